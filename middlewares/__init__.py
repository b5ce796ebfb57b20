"""newsclean's downloader and spider middlewares: network safety, crawler traps, failure accounting."""
