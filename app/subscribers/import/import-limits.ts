/** Limits of the list import that the page (in the browser) and the server share. */

/** The largest file the import takes: a million rows of a typical export. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
/** What the page sends for the preview: the start of the file (the HTTP cap for admin forms is 64 KB). */
export const PREVIEW_BYTES = 60 * 1024;

export const MAX_IMPORT_WORDS = "50 MB";
