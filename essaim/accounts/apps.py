from django.apps import AppConfig

from essaim.core import demo, home


class AccountsConfig(AppConfig):
    name = "essaim.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self) -> None:
        home.register_figures("essaim.accounts.selectors.home_figures", order=10)
        home.register_viewer("essaim.accounts.selectors.home_viewer")
        demo.register_step("essaim.accounts.demo.load_demo", label="accounts", order=30)
