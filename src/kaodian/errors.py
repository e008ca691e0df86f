"""Named errors. Each message says what is wrong and what to do, in one line.

``InputError`` and its subclasses are the user's to fix (exit status 2);
``KaodianError`` covers the rest (exit status 1).
"""

from __future__ import annotations


class KaodianError(Exception):
    """Base of every error kaodian raises on purpose (exit status 1)."""

    exit_code = 1

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail  # shown with -v

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[type[KaodianError], tuple[str, str]]:
        # keep the detail when an error crosses a process boundary (build --jobs)
        return type(self), (self.message, self.detail)


class InputError(KaodianError):
    """The input cannot be used as given (exit status 2)."""

    exit_code = 2


class MissingInputError(InputError):
    """A path that does not exist or cannot be read."""


class NoDocumentsError(InputError):
    """A folder that holds no document kaodian can read."""


class EmptyDocumentError(InputError):
    """A document with no text in it."""


class UnsupportedFormatError(InputError):
    """A file whose extension or content is not a format kaodian reads."""


class EncodingError(InputError):
    """A text file whose encoding cannot be detected."""


class CorruptDocumentError(InputError):
    """A .docx or .pdf that cannot be opened (damaged, encrypted, or not what its name says)."""


class NoTextLayerError(InputError):
    """A PDF with no text layer (a scan): kaodian does not do OCR."""


class TooLargeError(InputError):
    """An input over the configured size limit."""


class SchemaError(InputError):
    """A malformed YAML/JSON study set, questions file or template; the message names file and line."""


class UnknownQuestionTypeError(InputError):
    """A question type kaodian does not know."""


class OutputError(KaodianError):
    """An output that cannot be written (exit status 1)."""


class OverwriteError(InputError):
    """An output file exists and may hold a person's edits; pass --force to replace it."""


class FontError(KaodianError):
    """No font that can print the document's script is installed."""
