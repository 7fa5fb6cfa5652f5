"""Aftermath's SQL, one question per file, in the order data flows: intermediate/ (load-only
steps, by area), marts/ (the tables pages, exports and the report read), pages/ (what each page
asks). A package only so that the files ship inside the wheel; nothing here is Python."""
