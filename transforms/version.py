"""Bumped whenever parser output changes, so the warehouse knows which rows a reparse changes.

1.0.0  first release.
1.0.1  sharepoint: an unclosed title element that swallows the page is not the title.
1.1.0  `channel_id` in the article record; article ids without leading zeros.
1.2.0  real-world text (issue 12): No.1234 without a space, dotted codes (10/CD.UBND),
       glued attribute labels, loose type words yield to the number's code, year-less
       dates, header dates and subjects on later lines, title-named documents, article
       sections, recipients and addressee lists, site-name titles, month-first stamps,
       a passive announcement with "storm No. 5" inside its clause (letter 2694).
1.3.0  directives as tasks: each directive's assignees, due_on, due_text (agency registry).
1.4.0  generalisation (issue 12, held-out batches A/B): unknown sites' teaser boxes, comments,
       link rows, breadcrumbs and site clocks; headlines in bold text; reports of a document's
       content ("in Official Dispatch X, the PM requested"); possessives and particles between
       the verb and the type; document-name lines; broken header lines; glued dash items;
       box headings are no headlines; annexes and "./." end a full text's articles (batch C).
1.5.0  tasks on real text: central groups and their spellings, lower-case classes of bodies,
       "A, B and C districts", "proposing that X ...", a header's "To:" cell, "directs X as
       follows", periods "from ... until ...", no speaker or "strict compliance" as a body.
1.6.0  generalisation (batch D; 1.5.0 is the task-field branch's): a lead or subtitle paragraph
       beside the text block is its first line; "issued a dispatch on S (Dispatch No. X)";
       reports "..., the Department has issued instructions"; the number's own "dated D of
       the X" names its issuer over a deputy who signed; ", and sent ..." ends a subject;
       "today (July 21)"; lost apostrophes (U+FFFD) kept inside words; hard-wrapped <pre>
       texts; "Article 1.- "; Roman-numbered headings under "RESOLVES"/a type heading;
       "Decree 104/2016", "Decision dated 10.09.1999 3308/...", "04/CD-BCH PCLB&TKCN",
       "The same day"; subjects "at the ... meeting" and after a bare verb; em-dash rules.
1.7.0  generalisation (held-out batch F): numbers of before 1997 ("654-TTg", "15-CP"; the
       same number with "/" and "-" is one document); a news source tag ("(MPI) - ") before
       a document's line or a report of its content; "This is an item stipulated in X";
       "the Chairman ... in his letter no. X, announced S"; a signer's rank and name before
       the office; a told document's subject ends before the one who asks; "in 2020" after
       a number; "issued by X" ends a subject; "Considering ..." is no subject line; a
       capitals type line run into the text ("... ON S THE PRIME MINISTER Pursuant ...");
       articles run into one block; a paywall prompt ends the articles; "October 29 of
       2018"; one number cited with two dates is two references; "Article 3" alone on its
       line; "DECISION Of THE PRIME MINISTER S" types a header and
       gives its subject; a decorative rule line; the issuer cell beside the motto. Tasks: "As from D" (an
       open-ended start: words only); the State Bank's Governor names the State Bank.
"""

PARSER_VERSION = "1.7.0"
