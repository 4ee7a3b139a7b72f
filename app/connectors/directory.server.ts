import { Attribute, Change, Client, NoSuchAttributeError, TypeOrValueExistsError } from "ldapts";

/**
 * The directory connector: admin rights on a system are membership of its directory group (a
 * `groupOfNames`, members by DN). An account `a` is the entry `<userAttribute>=a,<userBaseDn>`.
 * Adding a member who is already there and removing one who is not are both success: every step
 * may be retried, and the directory's state, not the portal's memory, is what counts.
 */
export type DirectoryConfig = { url: string; bindDn: string; bindPassword: string; userBaseDn: string; userAttribute: string };

/** Bounded waits: a step always ends well inside its lease. */
const TIMEOUT_MS = 10_000;

export function accountDn(config: DirectoryConfig, account: string): string {
  return `${config.userAttribute}=${escapeDnValue(account)},${config.userBaseDn}`;
}

/** RFC 4514: the characters a DN's attribute value must escape. */
function escapeDnValue(value: string): string {
  return value
    .replace(/[,+"\\<>;=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, "\\ ");
}

/** The account a member DN names, when it is one of ours (directly under the user base); null for anyone else's entry. */
export function accountOf(config: DirectoryConfig, dn: string): string | null {
  const normalised = dn.replace(/\s*,\s*/g, ",");
  const prefix = `${config.userAttribute}=`.toLowerCase();
  const suffix = `,${config.userBaseDn.replace(/\s*,\s*/g, ",")}`.toLowerCase();
  const lower = normalised.toLowerCase();
  if (!lower.startsWith(prefix) || !lower.endsWith(suffix)) return null;
  const value = normalised.slice(prefix.length, normalised.length - suffix.length);
  // An unescaped comma: an entry deeper down, not an account.
  if (/(^|[^\\]),/.test(value)) return null;
  return value.replace(/\\(.)/g, "$1");
}

async function withClient<T>(config: DirectoryConfig, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ url: config.url, timeout: TIMEOUT_MS, connectTimeout: TIMEOUT_MS });
  try {
    await client.bind(config.bindDn, config.bindPassword);
    return await work(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** Makes each account a member of the group; returns the member DNs added (or already there). */
export async function addMembers(config: DirectoryConfig, groupDn: string, accounts: string[]): Promise<string[]> {
  return withClient(config, async (client) => {
    const done: string[] = [];
    for (const account of accounts) {
      const dn = accountDn(config, account);
      try {
        await client.modify(groupDn, new Change({ operation: "add", modification: new Attribute({ type: "member", values: [dn] }) }));
      } catch (error) {
        if (!(error instanceof TypeOrValueExistsError)) throw error;
      }
      done.push(dn);
    }
    return done;
  });
}

/** Removes each account from the group; returns the member DNs removed (or already gone). */
export async function removeMembers(config: DirectoryConfig, groupDn: string, accounts: string[]): Promise<string[]> {
  return withClient(config, async (client) => {
    const done: string[] = [];
    for (const account of accounts) {
      const dn = accountDn(config, account);
      try {
        await client.modify(groupDn, new Change({ operation: "delete", modification: new Attribute({ type: "member", values: [dn] }) }));
      } catch (error) {
        if (!(error instanceof NoSuchAttributeError)) throw error;
      }
      done.push(dn);
    }
    return done;
  });
}

/** The group's member DNs. */
export async function membersOf(config: DirectoryConfig, groupDn: string): Promise<string[]> {
  return withClient(config, async (client) => {
    const { searchEntries } = await client.search(groupDn, { scope: "base", attributes: ["member"] });
    const member = searchEntries[0]?.member;
    if (member === undefined) return [];
    return (Array.isArray(member) ? member : [member]).map(String);
  });
}

/** Whether the directory answers and accepts the bind. */
export async function directoryHealth(config: DirectoryConfig): Promise<{ ok: boolean; detail: string }> {
  try {
    await withClient(config, async () => undefined);
    return { ok: true, detail: "bind ok" };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
