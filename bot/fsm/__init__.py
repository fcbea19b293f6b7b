"""One StatesGroup per flow with its typed CallbackData."""
