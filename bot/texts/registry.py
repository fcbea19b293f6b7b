"""The registry import's words: the summary, the rejection, and the reasons a hostile file is refused.

The report is plain text (the CLI prints it; the staff chat escapes it). Older per-column reasons still live
in ``bot.services.registry.parse`` beside their validators.
"""

from __future__ import annotations

from bot.texts.render import count


def names(items: list[str]) -> str:
    """«a», «b» и «c»."""
    quoted = [f"«{i}»" for i in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " и " + quoted[-1]

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
BROKEN_SHEET = ("лист повреждён, дальше не читался: {error} — откройте книгу в Excel и сохраните её заново "
                "(«Книга Excel (.xlsx)»)")
# what broke a sheet's XML, in words (the parser's own exception text is English and is only logged)
SHEET_XML_BROKEN = "испорчена разметка XML листа"
SHEET_NO_SHARED_STRING = "ячейка ссылается на текст, которого нет в книге"
SHEET_BAD_CELL = "строку листа не удалось прочитать"

# a file that is not a workbook at all, or cannot be read
NOT_XLSX = ("файл не является книгой XLSX (повреждён или это другой формат — сохраните его в Excel как "
            "«Книга Excel (.xlsx)»)")
OLD_XLS = ("файл не является книгой XLSX: это книга Excel 97–2003 (.xls) или книга, защищённая паролем — "
           "снимите пароль и сохраните её в Excel как «Книга Excel (.xlsx)»")
TEXT_AS_XLSX = ("файл не является книгой XLSX: это текстовый файл (CSV?) с расширением .xlsx — переименуйте его "
                "в .csv или сохраните в Excel как «Книга Excel (.xlsx)»")
NO_ACCESS = "нет прав на чтение файла"
UNREADABLE_FILE = "файл не удалось прочитать (он удалён, занят другой программой или диск недоступен)"
NO_ACCESS_FOLDER = "нет прав на чтение папки"
UNREADABLE_FOLDER = "папку не удалось прочитать"

# XLSX cells that hold no value to read
FORMULA_NO_VALUE = ("в ячейке формула без вычисленного значения — откройте книгу в Excel и сохраните её "
                    "(или вставьте значения)")
FORMULA_ERROR = ("в ячейке ошибка формулы «{value}» — исправьте формулу или вставьте значения "
                 "(Специальная вставка → Значения)")

# the header row: no «;» or «,» between the column names
HEADER = "заголовок"
NO_DELIMITER = "разделитель не распознан: нужен «;» или «,» (в строке заголовка {found})"
FOUND_TAB = "— табуляция"
FOUND_SPACE = "— пробел"
FOUND_CHAR = "— «{char}»"
FOUND_GLUED = "названия столбцов ничем не разделены: «{header}»"
HEADER_IN_ONE_CELL = ("все названия столбцов в одной ячейке («{header}») — каждое название должно быть в своей "
                      "ячейке (в Excel: «Данные → Текст по столбцам»)")

# file names: a browser's copy suffix, «accounts (1).csv»
SAME_FILE_TWICE = ("в папке несколько файлов {file}: {names} — копия, сохранённая браузером повторно? Оставьте "
                   "один из них и назовите его {file}")
UNKNOWN_LOOKS_LIKE = "неизвестный {what} «{name}» — если это {known}, переименуйте {what} в {known}"

# the database refused a write that passed every check (a limit the checks did not foresee, or a bug)
DB_REFUSED = ("база данных отклонила запись, которую проверки реестра пропустили; ничего не записано — сообщите "
              "администратору бота (подробности в журнале бота)")
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

MEETING_DAYS = "голосование длится {days}, а по ЖК РФ ст. 47.1 — от {low} до {high} дней"
DAYS = ("день", "дня", "дней")
