import type { Lang, Messages } from "./index";

/**
 * The few strings an error page needs when the root loader itself failed and no dictionary
 * reached the browser. Everything else comes from sv.ts / en.ts through the root loader.
 */
const texts = {
  sv: {
    "error.title": "Något gick fel",
    "error.500.title": "Ett oväntat fel inträffade",
    "error.500.text": "Felet är loggat. Försök igen om en stund; kvarstår det, kontakta servicecenter.",
    "error.503.title": "Tjänsten är tillfälligt otillgänglig",
    "error.503.text": "Databasen svarar inte just nu. Försök igen om en liten stund.",
    "error.backHome": "Till översikten",
  },
  en: {
    "error.title": "Something went wrong",
    "error.500.title": "An unexpected error occurred",
    "error.500.text": "The error has been logged. Try again in a moment; if it persists, contact the service centre.",
    "error.503.title": "The service is temporarily unavailable",
    "error.503.text": "The database is not answering right now. Please try again in a little while.",
    "error.backHome": "Back to the overview",
  },
} as const;

export function fallbackMessages(lang: Lang): Messages {
  return texts[lang] as unknown as Messages;
}
