app_name = "bots"

urlpatterns: list = []
