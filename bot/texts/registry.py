"""The registry import's words: the summary, the rejection, and the reasons a hostile file is refused.

The report is plain text (the CLI prints it; the staff chat escapes it). Older per-column reasons still live
in ``bot.services.registry.parse`` beside their validators.
"""

from __future__ import annotations

from bot.texts.render import count

# the summary of an accepted import
LOADED = "Реестр загружен."
COL_FILE, COL_INSERTED, COL_UPDATED, COL_UNCHANGED = "файл", "добавлено", "изменено", "без изменений"
EMPTY = "(в реестре нет ни одной строки)"
SHEET = "лист {name}"  # how a workbook's sheet is named in the summary
BOOK_SHEET = "{book}, лист {name}"  # … and in the problems: «registry.xlsx, лист accounts:2: inn: …»
IN_FILE = "в {file}"  # «… не найден ни в houses.csv, ни в базе»
ON_SHEET = "на листе {name}"  # «… не найден ни на листе houses, ни в базе»


def problems(n: int) -> str:
    return count(n, "проблема", "проблемы", "проблем")


def more_problems(n: int) -> str:
    """The line after the first problems shown: «… и ещё 1 234 проблемы»."""
    return f"… и ещё {problems(n)}"


def rejected(total: int) -> str:
    return f"Всего {problems(total)}. Реестр не загружен, ничего не записано."


# a hostile or broken file: refused with a problem line, never a traceback
COLUMN = "столбец {letter}"
TOO_WIDE = "в листе больше {limit} столбцов: значение в столбце {letter} (лишние данные справа?)"
TOO_LONG = ("в {what} больше {limit} строк данных — разделите реестр на части (по поставщикам или по домам); "
            "дальше не читалось")
WHAT_SHEET, WHAT_FILE = "листе", "файле"
BEYOND_SHEET = "номер строки {line} за пределами листа Excel (не больше 1 048 576)"
BROKEN_SHEET = "лист повреждён, дальше не читался: {error}"
BOOK_TOO_BIG = "книга распаковывается в {size} МБ, а читаем не больше {limit} МБ — разделите реестр на части"
CELL_TOO_LONG = "в ячейке {length} символов, а можно не больше {limit}"
NUL_IN_CELL = "в ячейке нулевой символ (NUL, \\x00) — так бывает при выгрузке из чужой кодировки; уберите его"
UNREADABLE = "не удалось прочитать значение «{value}»"
NUMBER_TOO_LONG = "«{value}»: слишком большое число"
YEAR_OUT_OF_RANGE = "«{value}»: год {year} — допустимы годы с {lo} по {hi}"

# owners.csv: the owners the file gives one premises hold more than the whole of it
SHARES_OVER_ONE = "доли собственников помещения {premises} (дом {house}) в сумме {total} — больше 1: {owners}"
SHARE_OF = "{name} — {share} ({where})"
SHARE_ROW = "строка {line}"


def shares_more(n: int) -> str:
    """After the first owners listed: «и ещё 3 собственника»."""
    return f"и ещё {count(n, 'собственник', 'собственника', 'собственников')}"
