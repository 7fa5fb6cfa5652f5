"""Reading the exports: find the files, read CSV/JSON/Parquet and vendor exports, check every row."""
