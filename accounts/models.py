from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            # Providers get their first password through the portal-access flow.
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: a provider or a member of staff. Email is the identifier."""

    username = None  # type: ignore[assignment]  # removed: the email is the identifier
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    # Django's UserManager takes a username first; this one is keyed by email.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def __str__(self) -> str:
        return self.email

    # An admin page asks the same few permissions dozens of times (the sidebar's every model,
    # each list's actions and filters), and Django answers each by building every
    # authentication backend again. The answers are kept on this instance, which is the
    # request's signed-in user: a change of permissions counts from the next request, as with
    # ModelBackend's own cache of the permission set, which this sits on top of.

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        if obj is not None:
            return super().has_perm(perm, obj)
        answers = self.__dict__.setdefault("_perm_answers", {})
        if perm not in answers:
            answers[perm] = super().has_perm(perm)
        return answers[perm]

    def has_module_perms(self, app_label: str) -> bool:
        answers = self.__dict__.setdefault("_module_perm_answers", {})
        if app_label not in answers:
            answers[app_label] = super().has_module_perms(app_label)
        return answers[app_label]
