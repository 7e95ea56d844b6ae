"""The playbook site: its generated pages (an MkDocs hook calls them) and `standards site build`."""
