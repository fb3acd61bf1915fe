"""Every note of the course's source material is taught by some chapter."""
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTES = REPO.parent / "shared" / "seed-notes.md"


def rows():
    table = (REPO / "chapters" / "reference" / "coverage.md").read_text()
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"\d+\.\d+", cells[0]):
            yield cells


def test_every_phrase_appears_in_its_chapter():
    missing = []
    for note, _, chapter, phrase in rows():
        text = (REPO / "chapters" / f"{chapter}.md").read_text()
        if phrase.replace("\\\"", "\"") not in text.replace("\\\"", "\""):
            missing.append(f"{note} {chapter}: {phrase!r}")
    assert not missing, "phrases not found:\n" + "\n".join(missing)


def test_every_note_of_sections_1_to_5_and_7_has_a_row():
    assert NOTES.exists(), f"{NOTES} (the course's seed notes, beside the checkout) is missing"
    notes, section, count = set(), None, 0
    for line in NOTES.read_text().splitlines():
        heading = re.match(r"## (\d+)\.", line)
        if heading:
            section, count = heading.group(1), 0
        elif line.startswith("- ") and section and section != "6":
            count += 1
            notes.add(f"{section}.{count}")
    covered = {note for note, *_ in rows()}
    assert notes and not notes - covered, f"notes without a chapter: {sorted(notes - covered)}"
