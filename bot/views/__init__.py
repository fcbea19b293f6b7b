"""Views: plain data from the services in, words (escaped HTML) and buttons out."""
