"""Factories of people and organisations, shared by every app's tests."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from essaim.accounts.models import Membership, Organisation, User
from essaim.accounts.services import membership_add


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    full_name = factory.Faker("name", locale="fr_FR")
    password = factory.django.Password("mot-de-passe-solide-2026")

    class Params:
        # The person opened the link sent to this address (sign-up confirmation, invitation).
        confirmed = factory.Trait(email_confirmed_at=factory.LazyFunction(timezone.now))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.SUPPLIER
    name = factory.Sequence(lambda n: f"Organisation {n}")
    buyer_category = factory.LazyAttribute(lambda o: "commune" if o.kind == Organisation.Kind.BUYER else "")


class BuyerFactory(OrganisationFactory):
    kind = Organisation.Kind.BUYER
    buyer_category = Organisation.BuyerCategory.COMMUNE
    name = factory.Sequence(lambda n: f"Ville n°{n}")


class MemberFactory(UserFactory):
    """A person who belongs to an organisation, added through `membership_add` (so facilitators get the
    back office as in real life). The organisation is a new one of `kind` unless `organisation` is given.

    `MemberFactory()` (a supplier's member), `MemberFactory(kind=Organisation.Kind.BUYER, admin=True)`,
    `MemberFactory(organisation=org, role=Membership.Role.ADMIN, email="x@exemple.fr")`.
    """

    class Params:
        kind = Organisation.Kind.SUPPLIER
        admin = factory.Trait(role=Membership.Role.ADMIN)

    organisation = factory.SubFactory(OrganisationFactory, kind=factory.SelfAttribute("..kind"))
    role = Membership.Role.MEMBER

    @classmethod
    def _create(
        cls, model_class: type[User], *args: Any, organisation: Organisation, role: str, **kwargs: Any
    ) -> User:
        user = super()._create(model_class, *args, **kwargs)
        membership_add(actor=None, organisation=organisation, user=user, role=role)
        user.refresh_from_db()
        return user
