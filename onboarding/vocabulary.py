"""Fixed vocabularies for the General Onboarding form and, later, directory search."""

from django.db import models


class Specialty(models.TextChoices):
    ANXIETY = "anxiety", "Anxiety"
    DEPRESSION = "depression", "Depression"
    TRAUMA = "trauma", "Trauma and PTSD"
    RELATIONSHIPS = "relationships", "Relationship issues"
    GRIEF = "grief", "Grief and loss"
    ADHD = "adhd", "ADHD"
    BIPOLAR = "bipolar", "Bipolar disorder"
    OCD = "ocd", "OCD"
    EATING = "eating", "Eating disorders"
    SUBSTANCE_USE = "substance_use", "Substance use"
    LIFE_TRANSITIONS = "life_transitions", "Life transitions"
    STRESS = "stress", "Stress and burnout"
    IDENTITY = "identity", "Gender and sexual identity"
    PARENTING = "parenting", "Parenting"


class Approach(models.TextChoices):
    CBT = "cbt", "Cognitive behavioral therapy (CBT)"
    DBT = "dbt", "Dialectical behavior therapy (DBT)"
    EMDR = "emdr", "EMDR"
    ACT = "act", "Acceptance and commitment therapy (ACT)"
    PSYCHODYNAMIC = "psychodynamic", "Psychodynamic"
    MINDFULNESS = "mindfulness", "Mindfulness-based"
    SOLUTION_FOCUSED = "solution_focused", "Solution-focused"
    FAMILY_SYSTEMS = "family_systems", "Family systems"
    GOTTMAN = "gottman", "Gottman method"
    MEDICATION = "medication", "Medication management"


class Population(models.TextChoices):
    CHILDREN = "children", "Children (6-12)"
    TEENS = "teens", "Teens (13-17)"
    ADULTS = "adults", "Adults"
    OLDER_ADULTS = "older_adults", "Older adults (65+)"
    COUPLES = "couples", "Couples"
    FAMILIES = "families", "Families"
    LGBTQIA = "lgbtqia", "LGBTQIA+"
    VETERANS = "veterans", "Veterans"
    BIPOC = "bipoc", "BIPOC communities"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"
    MANDARIN = "zh", "Mandarin"
    CANTONESE = "yue", "Cantonese"
    VIETNAMESE = "vi", "Vietnamese"
    KOREAN = "ko", "Korean"
    TAGALOG = "tl", "Tagalog"
    RUSSIAN = "ru", "Russian"
    FRENCH = "fr", "French"
    ARABIC = "ar", "Arabic"
    HINDI = "hi", "Hindi"
    PORTUGUESE = "pt", "Portuguese"
    ASL = "ase", "American Sign Language"


# PRODUCT.md's onboarding steps, as pages and emails number them ("Step 2 of 6"): one scheme,
# from here only (templates use {% step_of %} from onboarding_steps).
ONBOARDING_STEPS = (
    "General Onboarding form",
    "Insurance Form",
    "Staff review",
    "Portal access",
    "Insurance Program Training",
    "Onboarding complete",
)


def step_of(number: int) -> str:
    if not 1 <= number <= len(ONBOARDING_STEPS):
        raise ValueError(f"Onboarding has steps 1 to {len(ONBOARDING_STEPS)}, not {number}.")
    return f"Step {number} of {len(ONBOARDING_STEPS)}"
