"""SelfCommunity routes of the taxonomy part (issue 23). They come before the routes of
urls.py, whose `<id>/` patterns would otherwise take their fixed words as ids."""

urlpatterns: list = []
