/*
 * format_html: the frame of preg's HTML pages: the document, its style
 * sheet for screen and print, the title, and the legend of the phases in
 * their colours. The tables in it come from the format writers (FMT_HTML).
 * Knows no git and no command: a page is built in a buffer.
 */
#ifndef PREG_FORMAT_HTML_H
#define PREG_FORMAT_HTML_H

#include "buf.h"
#include "phases.h"

/* Begin a page titled title, with the line sub under it and, when ph is
 * not NULL, the legend of its phases. */
void html_page_begin(struct buf *out, const char *title, const char *sub, const struct phases *ph);

/* End the page that html_page_begin began. */
void html_page_end(struct buf *out);

/* "#000" or "#fff": the text colour that reads better on the background
 * "#rrggbb" (black for NULL or a malformed one). */
const char *html_ink_on(const char *hex);

#endif
