"""Portal uploads of a complaint: count, size on the bytes read, type guessed from the content; hourly rate."""

from crm_complaints.tools import upload


def test_accepts_documents_and_photos():
    files = [("act.pdf", b"%PDF-1.4 ...", "application/pdf"), ("photo.jpg", b"\xff\xd8\xff", "image/jpeg")]
    assert upload.check_uploads(files) is None


def test_too_many_files():
    files = [(f"f{i}.txt", b"x", "text/plain") for i in range(upload.MAX_FILES + 1)]
    assert upload.check_uploads(files) == (upload.TOO_MANY, None)
    assert upload.check_uploads(files[:upload.MAX_FILES]) is None


def test_size_is_measured_on_the_bytes():
    big = b"x" * (upload.MAX_FILE_SIZE + 1)
    assert upload.check_uploads([("big.txt", big, "text/plain")]) == (upload.TOO_LARGE, "big.txt")
    exact = b"x" * upload.MAX_FILE_SIZE
    assert upload.check_uploads([("exact.txt", exact, "text/plain")]) is None
    assert upload.check_uploads([("small.txt", b"abcd", "text/plain")], max_size=3) == (upload.TOO_LARGE,
                                                                                     "small.txt")


def test_empty_and_wrong_types():
    assert upload.check_uploads([("empty.pdf", b"", "application/pdf")]) == (upload.EMPTY, "empty.pdf")
    for mimetype in ("application/x-msdownload", "text/html", "image/svg+xml", "application/octet-stream",
                     "application/javascript", None, ""):
        assert upload.check_uploads([("x.pdf", b"MZ", mimetype)]) == (upload.WRONG_TYPE, "x.pdf"), mimetype
    assert upload.check_uploads([("a.txt", b"a", "text/plain; charset=utf-8")]) is None
    # harmless content under a dangerous name (a browser would run it as a page or a program)
    for name in ("page.html", "page.HTM", "run.exe", "image.svg", "noextension", "archive.txt.js"):
        assert upload.check_uploads([(name, b"hello", "text/plain")]) == (upload.WRONG_TYPE, name), name
    assert upload.check_uploads([("SCAN.PDF", b"%PDF", "application/pdf")]) is None


def test_rate():
    assert not upload.rate_exceeded(0)
    assert not upload.rate_exceeded(upload.MAX_COMPLAINTS_PER_HOUR - 1)
    assert upload.rate_exceeded(upload.MAX_COMPLAINTS_PER_HOUR)
    assert upload.rate_exceeded(3, limit=2)
