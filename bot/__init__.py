"""Telegram bot: the resident's side of ГИС ЖКХ and the management organization's desk."""
