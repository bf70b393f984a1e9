from newsbot.encoding import decode_html


def test_valid_utf8_beats_a_stale_meta_charset():
    # a page re-saved as UTF-8 that still declares its old encoding
    page = '<meta charset="iso-8859-15"><title>Sanción para el piloto</title>'.encode()
    assert "Sanción" in decode_html(page)
    page = '<meta charset="gb2312"><title>中拉航天合作</title>'.encode()
    assert "中拉航天合作" in decode_html(page)


def test_declared_legacy_encoding_is_used_when_bytes_are_not_utf8():
    page = '<meta charset="iso-8859-15"><title>Sanción</title>'.encode("iso-8859-15")
    assert "Sanción" in decode_html(page)


def test_http_header_charset_is_trusted_for_bytes_that_are_not_utf8():
    page = "<title>Grüße</title>".encode("latin-1")
    assert decode_html(page, "text/html; charset=latin-1") == "<title>Grüße</title>"


def test_valid_utf8_beats_a_wrong_http_header_too():
    # RELIABILITY.md, T13: "UTF-8 with a wrong header" must come out clean, not as "GrÃ¼ÃŸe"
    page = "<title>Grüße</title>".encode()
    assert decode_html(page, "text/html; charset=latin-1") == "<title>Grüße</title>"
