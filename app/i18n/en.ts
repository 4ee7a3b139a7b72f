import { sv, type Messages } from "./sv";
export const en: Messages = sv;
