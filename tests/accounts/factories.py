from __future__ import annotations

import factory

from essaim.accounts.models import Membership, Organisation, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    full_name = factory.Faker("name", locale="fr_FR")
    password = factory.django.Password("mot-de-passe-solide-2026")


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


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER
