"""kaodian (考点): turn study documents into Anki decks and printable quiz sheets.

The pipeline as a library::

    from kaodian import pipeline
    doc = pipeline.extract_file("notes.txt")           # clean + extract
    questions = pipeline.generate_questions(doc)        # question templates
    pipeline.build(["notes.txt"])                       # decks/notes.apkg, decks/notes.quiz.html
"""

__version__ = "0.1.0"
