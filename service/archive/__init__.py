"""The archive of signed submissions: uploads checked and stored write-once, pages matched by their QR codes,
PDF signatures verified, and every action in a hash-chained audit log."""
