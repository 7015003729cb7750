"""Sources (来源): raw laws, notices, messages and user files (txt, docx, pdf, OFD) -> Documents with units."""
