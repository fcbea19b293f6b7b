"""What /cancel calls each dialog and what the bot waits for in each state, for every flow in one place.

Keys: the StatesGroup's class name (titles), the full state name ``Group:state`` (hints).
"""

from __future__ import annotations

FLOW_TITLES: dict[str, str] = {
    "NotifySettings": "Настройки уведомлений",
    "StaffOutage": "Новое отключение",
    "StaffOutageEdit": "Изменение отключения",
    "StaffBroadcast": "Рассылка жителям",
    "LinkAccount": "Подключение лицевого счёта",
}

STATE_HINTS: dict[str, str] = {
    "NotifySettings:quiet": "Настройки: напишите тихие часы в виде 22:00-09:00 или «нет».",
    "StaffOutage:house": "Новое отключение, шаг 1: напишите адрес дома, например «Бауманская 44».",
    "StaffOutage:resource": "Новое отключение, шаг 2: выберите ресурс кнопкой.",
    "StaffOutage:starts": "Новое отключение, шаг 3: начало — дата и время, например «20.11 10:00».",
    "StaffOutage:ends": "Новое отключение, шаг 4: окончание — дата и время, например «21.11 18:00».",
    "StaffOutage:kind": "Новое отключение, шаг 5: плановое или аварийное — выберите кнопкой.",
    "StaffOutage:reason": "Новое отключение, шаг 6: причина одной строкой или «-».",
    "StaffOutage:preview": "Новое отключение: проверьте и нажмите «Опубликовать» или «Отменить».",
    "StaffOutageEdit:ends": "Изменение отключения: новое окончание — дата и время, например «22.11 18:00».",
    "StaffBroadcast:text": "Рассылка: напишите текст сообщения жителям.",
    "StaffBroadcast:preview": "Рассылка: проверьте и нажмите «Отправить» или «Отменить».",
    "LinkAccount:address": "Подключение лицевого счёта, шаг 1: напишите улицу и номер дома, например «Бауманская 44».",
    "LinkAccount:number": "Подключение лицевого счёта, шаг 2: введите номер лицевого счёта из квитанции.",
    "LinkAccount:proof": "Подключение лицевого счёта, шаг 3: подтвердите, что счёт ваш — поделитесь номером "
    "телефона кнопкой внизу или выберите другой способ.",
    "LinkAccount:bill_total": "Подключение лицевого счёта, шаг 3: введите сумму последней квитанции, "
    "например «4 908,94».",
    "LinkAccount:confirm": "Подключение лицевого счёта, шаг 4: проверьте данные и нажмите «Подключить» "
    "или «Отменить».",
}
