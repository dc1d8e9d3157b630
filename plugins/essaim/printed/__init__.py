"""/imprimer/: the directory on paper, for the people it serves who are the least online.
Booklets (the whole directory, one per theme, one per commune) and a poster per actor, as
print-ready pages (generator.py, booklets.py), each record with a QR code to its page (qr.py),
and their PDFs (pdf.py: WeasyPrint, tagged PDF/UA), written by `essaim print` or by the build."""
