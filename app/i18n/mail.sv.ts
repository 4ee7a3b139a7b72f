/**
 * The e-mails' texts in Swedish (`mail.<template>.subject` / `.body`, and the lines every mail
 * shares). Server only: the outbox renders them (app/outbox/templates.server.ts); the browser's
 * dictionary never carries them.
 */
export const mailSv = {
  "mail.account.securityChanged.subject": "Ändring av ditt konto: {changeText}",
  "mail.account.securityChanged.body":
    "Hej {name}!\n\nFöljande ändring gjordes av ditt konto i Leverantörsåtkomst {atText} från adressen {ip}:\n\n{changeText}\n\nOm det inte var du: kontakta servicecenter direkt, så spärras kontot. Dina inställningar: {url}",
  "mail.change.key-added": "En säkerhetsnyckel har lagts till",
  "mail.change.key-removed": "En säkerhetsnyckel har tagits bort",
  "mail.change.password-changed": "Lösenordet har bytts",
  "mail.change.token-created": "En API-nyckel har skapats",
  "mail.change.feed-created": "En kalenderadress har skapats",
  "mail.reason": "Motivering: {reason}",
  "mail.link": "Ärendet: {url}",
  "mail.onBehalfOf": "{actor} gjorde det här som ersättare för {person}.",
  "mail.facts.system": "System: {system}",
  "mail.facts.window": "Tid: {span} (svensk tid)",
  "mail.facts.consentUntil": "Samtycket gäller till och med: {date}",
  "mail.facts.accounts": "Konton: {accounts}",
  "mail.facts.noAccounts": "inga angivna – fråga kontaktpersonen",
  "mail.facts.login": "Så loggar du in: {login}",
  "mail.facts.conditions": "Villkor från ändringsrådet: {conditions}",
  "mail.facts.contact": "Kontakt i kommunen: {contact}",
  "mail.signature": "Leverantörsåtkomst – kommunens IT. Svara inte på det här meddelandet.",
  "mail.invitation.subject": "Inbjudan till Leverantörsåtkomst",
  "mail.invitation.body":
    "Hej {name}!\n\nDu är inbjuden till kommunens portal för leverantörsåtkomst. Öppna länken, välj ett lösenord och registrera en säkerhetsnyckel:\n\n{url}\n\nLänken gäller till {expiresAt} och kan bara användas en gång.",
  "mail.case.submitted.subject": "{number} inskickat: {title}",
  "mail.case.submitted.body": "Ett nytt ärende väntar på granskning: {number} {title}.",
  "mail.case.returned.subject": "{number} behöver kompletteras",
  "mail.case.returned.body": "Servicecenter har returnerat {number} {title} för komplettering.",
  "mail.case.approved.subject": "{number} godkänt",
  "mail.case.approved.body": "{number} {title} är godkänt. Åtkomstfönstret är planerat.",
  "mail.case.rejected.subject": "{number} avslaget",
  "mail.case.rejected.body": "{number} {title} är avslaget.",
  "mail.case.deferred.subject": "{number} uppskjutet av ändringsrådet",
  "mail.case.deferred.body": "Ändringsrådet har skjutit upp {number} {title} till ett senare möte.",
  "mail.case.cancelled.subject": "{number} återkallat",
  "mail.case.cancelled.body": "{number} {title} är återkallat.",
  "mail.case.consented.subject": "{number}: systemägaren har samtyckt",
  "mail.case.consented.body": "Systemägaren har samtyckt till ständig åtkomst i {number} {title}.",
  "mail.case.consentRefused.subject": "{number}: samtycke nekat",
  "mail.case.consentRefused.body": "Systemägaren har inte samtyckt till {number} {title}.",
  "mail.case.consentRequested.subject": "Samtycke begärs: {number}",
  "mail.case.consentRequested.body":
    "En systemförvaltare begär ständig åtkomst utan admin-behörighet för en leverantör: {number} {title}. Samtyck eller neka i portalen.",
  "mail.case.accessRevoked.subject": "{number}: åtkomsten återkallad",
  "mail.case.accessRevoked.body": "Den ständiga åtkomsten i {number} {title} är återkallad. Driften stänger åtkomsten.",
  "mail.sla.responseWarning.subject": "{number}: svarstiden går snart ut",
  "mail.sla.responseWarning.body": "Incidenten {number} {title} (prioritet {priority}) ska ha fått svar senast {atText}. Ta upp ärendet nu.",
  "mail.sla.resolutionWarning.subject": "{number}: lösningstiden går snart ut",
  "mail.sla.resolutionWarning.body": "Incidenten {number} {title} (prioritet {priority}) ska vara löst senast {atText}.",
  "mail.case.consentEnded.subject": "{number}: samtycket har löpt ut",
  "mail.case.consentEnded.body":
    "Samtycket till ständig åtkomst i {number} {title} har löpt ut. Åtkomsten upphör och driften tar bort kontona. Behövs åtkomsten fortfarande görs en ny begäran.",
  "mail.account.created.subject": "{number}: kontona är klara",
  "mail.account.created.body": "Driften har skapat kontona för den ständiga åtkomsten i {number} {title}.",
  "mail.account.removed.subject": "{number}: kontona är borttagna",
  "mail.account.removed.body": "Driften har tagit bort kontona för den ständiga åtkomsten i {number} {title}.",
  "mail.case.forwarded.subject": "Vidarebefordrat: {number}",
  "mail.case.forwarded.body": "Servicecenter skickar {number} {title} vidare till er för kännedom och förberedelse.",
  "mail.case.informed.subject": "För kännedom: {number}",
  "mail.case.informed.body": "Servicecenter informerar om {number} {title}.",
  "mail.window.opened.subject": "{number}: åtkomsten är öppen",
  "mail.window.opened.body": "Driften har öppnat åtkomsten för {number} {title}. Övervakning och larm är avstängda under fönstret.",
  "mail.window.closed.subject": "{number}: åtkomsten är stängd",
  "mail.window.closed.body": "Åtkomsten för {number} {title} är stängd. Driften återställer övervakningen.",
  "mail.connectorName.directory": "katalogen (LDAP)",
  "mail.connectorName.monitoring": "Alertmanager",
  "mail.step.directory.grant": "lägga till kontona i administratörsgruppen",
  "mail.step.directory.revoke": "ta bort kontona ur administratörsgruppen",
  "mail.step.directory.extend": "förlänga åtkomsten",
  "mail.step.monitoring.grant": "tysta larmen",
  "mail.step.monitoring.revoke": "slå på larmen igen",
  "mail.step.monitoring.extend": "förlänga tystnaden av larmen",
  "mail.connector.failed.subject": "{number}: {connectorText} misslyckades ({actionText})",
  "mail.connector.failed.body":
    "Portalen kunde inte {actionText} för {number} {title} i {connectorText}: {error}\n\nSteget görs om automatiskt tills det lyckas. Ett fönster som inte kunde stängas visas i rött på driftens tavla tills åtkomsten är borttagen.",
  "mail.connector.recovered.subject": "{number}: {connectorText} lyckades efter fel ({actionText})",
  "mail.connector.recovered.body": "Steget som tidigare misslyckades för {number} {title} i {connectorText} är nu gjort: {actionText}.",
  "mail.connector.reconciled.subject": "Avstämning av katalogen: {count} konton togs bort",
  "mail.connector.reconciled.body": "Vid start hittade portalen konton i katalogens administratörsgrupper utan öppet fönster. De har tagits bort:\n\n{removed}",
  "mail.window.expired.subject": "{number}: fönstret har löpt ut",
  "mail.window.expired.body":
    "Åtkomstfönstret för {number} {title} har löpt ut och stängts av systemet. Driften: stäng åtkomsten och återställ övervakning och larm om det inte redan är gjort.",
  "mail.window.extensionRequested.subject": "{number}: förlängning begärd",
  "mail.window.extensionRequested.body": "Förlängning av fönstret begärs för {number} {title}.",
  "mail.window.extended.subject": "{number}: fönstret förlängt",
  "mail.window.extended.body": "Fönstret för {number} {title} är förlängt.",
  "mail.window.extensionRefused.subject": "{number}: förlängning nekad",
  "mail.window.extensionRefused.body": "Förlängningen av {number} {title} är nekad.",
  "mail.window.warning30.subject": "{number}: {minutes} min kvar",
  "mail.window.warning30.body":
    "Åtkomstfönstret för {number} {title} stänger {end}, om {minutes} min. Begär förlängning i portalen om arbetet inte hinner bli klart.",
  "mail.window.warning10.subject": "{number}: {minutes} min kvar",
  "mail.window.warning10.body": "Åtkomstfönstret för {number} {title} stänger {end}, om {minutes} min.",
  "mail.cab.agenda.subject": "Ändringsrådet: {number} på dagordningen",
  "mail.cab.agenda.body": "{number} {title} står på dagordningen för ändringsrådets möte. Läs ändringen, kommentera och rösta i portalen före mötet.",
  "mail.case.commented.subject": "{number}: ny kommentar från {author}",
  "mail.case.commented.body": "{author} skrev i {number} {title}:\n\n{body}",
  "mail.case.commentedInternal.subject": "{number}: ny intern kommentar från {author}",
  "mail.case.commentedInternal.body": "{author} skrev en intern kommentar i {number} {title}. Den syns inte för leverantören.\n\n{body}",
  "mail.template.withdrawn.subject": "Standardändringen ”{name}” är tillbakadragen",
  "mail.template.withdrawn.body":
    "{by} har dragit tillbaka standardändringen ”{name}” för {system}. En ny begäran från mallen är en vanlig ändring igen, och ett utkast från den kan inte skickas in som standardändring.\n\nMallarna: {templatesUrl}",
} as const;

export type MailKey = keyof typeof mailSv;
export type MailTexts = Record<MailKey, string>;
/** A template the outbox can send: `mail.<template>.subject` and `.body` exist. */
export type MailTemplate = TemplateOf<MailKey>;
type TemplateOf<K> = K extends `mail.${infer T}.subject` ? T : never;
/** A security change an account mail can name (`mail.change.<change>`). */
export type SecurityChange = ChangeOf<MailKey>;
type ChangeOf<K> = K extends `mail.change.${infer C}` ? C : never;

export function isMailTemplate(value: string): value is MailTemplate {
  return Object.prototype.hasOwnProperty.call(mailSv, `mail.${value}.subject`);
}
