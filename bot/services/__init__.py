"""What the product does. Plain Python: no aiogram here, so the bot, the terminal chat, the scheduler and the
CLI all call the same code."""
