"""Checks of the files a customer attaches to a complaint on the portal. Pure functions, no ORM.

The portal reads each uploaded file itself (at most one byte more than the limit), guesses its type from the
bytes (``odoo.tools.mimetypes.guess_mimetype``, passed in by the controller) and calls :func:`check_uploads`;
:func:`rate_exceeded` decides whether the customer submitted too many complaints in the last hour.
"""

#: bytes per file
MAX_FILE_SIZE = 10 * 1024 * 1024
#: files per complaint
MAX_FILES = 5
#: complaints a customer (commercial entity) may submit from the portal per hour
MAX_COMPLAINTS_PER_HOUR = 5
#: types accepted, as guessed from the content: documents, scans, photos, plain text
ALLOWED_MIMETYPES = frozenset({
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/bmp",
    "image/tiff",
    "text/plain",
    "text/csv",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
})

#: file name extensions accepted (the name decides how a browser opens the file: both must be harmless)
ALLOWED_EXTENSIONS = frozenset({
    "pdf", "jpg", "jpeg", "png", "gif", "webp", "bmp", "tif", "tiff", "txt", "csv",
    "doc", "xls", "docx", "xlsx", "odt", "ods",
})

TOO_MANY = "too_many"
TOO_LARGE = "too_large"
EMPTY = "empty"
WRONG_TYPE = "wrong_type"


def check_uploads(files, max_files=MAX_FILES, max_size=MAX_FILE_SIZE, allowed=ALLOWED_MIMETYPES):
    """The first problem of a set of uploaded files, or ``None`` when all may be attached.

    :param files: list of ``(name, data, mimetype)``: the file name, the bytes read (at most ``max_size + 1``
        of them) and the type guessed from those bytes
    :param int max_files: most files accepted
    :param int max_size: most bytes per file
    :param allowed: accepted types
    :return: ``None``, or ``(code, name)`` where ``code`` is one of :data:`TOO_MANY`, :data:`TOO_LARGE`,
        :data:`EMPTY`, :data:`WRONG_TYPE` and ``name`` the culprit file (``None`` for :data:`TOO_MANY`);
        a file is of a wrong type when its content or its name's extension is not accepted
    """
    if len(files) > max_files:
        return (TOO_MANY, None)
    for name, data, mimetype in files:
        if len(data) > max_size:
            return (TOO_LARGE, name)
        if not data:
            return (EMPTY, name)
        extension = name.rpartition(".")[2].lower() if "." in (name or "") else ""
        if (mimetype or "").split(";")[0].strip().lower() not in allowed or extension not in ALLOWED_EXTENSIONS:
            return (WRONG_TYPE, name)
    return None


def rate_exceeded(count_last_hour, limit=MAX_COMPLAINTS_PER_HOUR):
    """Whether one more complaint would exceed the hourly limit.

    :param int count_last_hour: complaints the customer submitted from the portal in the last hour
    :param int limit: complaints allowed per hour
    :return: bool
    """
    return count_last_hour >= limit
