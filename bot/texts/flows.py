"""What /cancel calls each dialog and what the bot waits for in each state, for every flow in one place.

Keys: the StatesGroup's class name (titles), the full state name ``Group:state`` (hints).
"""

from __future__ import annotations

FLOW_TITLES: dict[str, str] = {
    "LinkAccount": "Подключение лицевого счёта",
}

STATE_HINTS: dict[str, str] = {
    "LinkAccount:address": "Подключение лицевого счёта, шаг 1: напишите улицу и номер дома, например «Бауманская 44».",
    "LinkAccount:number": "Подключение лицевого счёта, шаг 2: введите номер лицевого счёта из квитанции.",
    "LinkAccount:proof": "Подключение лицевого счёта, шаг 3: подтвердите, что счёт ваш — поделитесь номером "
    "телефона кнопкой внизу или выберите другой способ.",
    "LinkAccount:bill_total": "Подключение лицевого счёта, шаг 3: введите сумму последней квитанции, "
    "например «4 908,94».",
    "LinkAccount:confirm": "Подключение лицевого счёта, шаг 4: проверьте данные и нажмите «Подключить» "
    "или «Отменить».",
}
