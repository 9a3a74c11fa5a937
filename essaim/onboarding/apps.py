from django.apps import AppConfig

from essaim.core import demo, home, review


class OnboardingConfig(AppConfig):
    name = "essaim.onboarding"
    label = "onboarding"
    verbose_name = "Inscription et animation"

    def ready(self) -> None:
        review.register_kind("essaim.onboarding.review.JoinRequestReview", order=30)
        home.register_waiting("essaim.onboarding.waiting.waiting_items", order=15)
        # After the cooperation step, which creates the partners.
        demo.register_step("essaim.onboarding.demo.load_demo", label="onboarding", order=75)
