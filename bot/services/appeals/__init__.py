"""Appeals and complaints (the seed «Как написать обращение или жалобу»): the topic catalogue, due dates on the
production calendar, the checks of what a resident enters, drafts and sending (``drafts``), the views of an appeal
(``views``); the resident's list and actions (``mine``), the staff's side (``staff``), delivery outside the bot
(``delivery``). Nothing here imports aiogram."""
