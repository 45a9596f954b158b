"""The Support Center's first articles: at least one for every Onboarding Dashboard action item.

Idempotent (keyed by slug), so tests and `seed_demo` may call `seed` again; reversing removes
only these articles. Staff edit them in admin afterwards; a later re-run restores the wording
here, so edits that should last belong in a new migration.
"""

from django.db import migrations

ARTICLES = [
    {
        "slug": "new-provider-onboarding-overview",
        "title": "New Alma provider onboarding overview",
        "summary": "Every step from signing your membership agreement to a live directory profile, "
        "and what you can expect from us at each one.",
        "action_items": [
            "membership_agreement",
            "general_onboarding",
            "insurance_form",
            "staff_review",
            "set_password",
            "webinar",
        ],
        "body": """\
Welcome to Alma! We're thrilled that you're here.

After you sign your membership agreement, onboarding begins. Along the way we will:

- credential you with our participating insurance payers through the Alma Insurance Program,
- set up your profile in the Alma directory so potential clients can reach you,
- walk you through our insurance program and policies, and
- help you find your way around the Alma portal.

## One email per step

We send each step in its own email. When you finish a step, the email for the next one arrives
**within one business day** (Monday to Friday, excluding US federal holidays).

1. **General Onboarding form**: your practice details and the bio for your directory profile.
2. **Insurance Form**: what we need to credential you: CAQH, NPI, licenses, education, work
   history and liability insurance.
3. **Review by our team**: we check both forms, usually within one business day, and either
   approve them or tell you exactly what to change.
4. **Portal access**: you set your password and sign in for the first time.
5. **Insurance Program Training Webinar and quiz**: a short video and a brief quiz.

Steps 1 to 4 happen in order. The webinar and quiz can be done **at any time**, even before you
reach step 5. Once everything is done, we email you to confirm that your onboarding is complete.

## Follow along on your Onboarding Dashboard

Once you can sign in, click **Onboarding** in the top right corner of the portal. The dashboard
shows each stage (Account Created, Getting Started, Understanding Insurance and Expanding Your
Caseload), what is done, what comes next and when, and your status with each insurance payer.
After your onboarding is complete it stays available under **Explore > Alma Basics**.

## Still have questions?

Click the **Help** button at the bottom right of any page to open a ticket, and our Member
Support team will get back to you.
""",
    },
    {
        "slug": "general-onboarding-form",
        "title": "Completing the General Onboarding form",
        "summary": "What the first form asks for, how drafts work, and tips for writing a bio "
        "that helps the right clients find you.",
        "action_items": ["general_onboarding", "directory_profile"],
        "body": """\
The General Onboarding form is the first step after you sign your membership agreement. We email
you a personal link to it within one business day of signing.

## What you'll need

- **Your practice**: practice name, a contact phone number and your office address.
- **Where you're licensed**: every state you hold a license in.
- **How you work**: your specialties, approaches, the populations you serve and the languages
  you offer sessions in, and whether you see clients by telehealth, in person, or both.
- **A photo** (PNG or JPEG) and **your bio**. Both appear on your profile in the Alma
  directory.

## Save a draft, come back later

You don't have to finish in one sitting. Click **Save draft** and use the same link from your
email to pick up where you left off. The link opens only your form, without a password, and
works for 30 days. If it has expired, contact Member Support and we'll send a fresh one;
nothing you saved is lost.

## Writing your bio

Your bio is often the first thing a prospective client reads. A few tips:

- Write to the client: *"If you're feeling stuck after a big change…"* reads warmer than a list
  of credentials.
- Say who you work with and how, in plain words.
- Mention what a first session with you looks like.

## After you submit

We email you the Insurance Form within one business day, and our team reviews what you sent.
If anything needs to change, you'll get an email with the reason and a link straight back to
the form.
""",
    },
    {
        "slug": "insurance-form",
        "title": "Completing the Insurance Form: CAQH, NPI and liability insurance",
        "summary": "Everything the credentialing form asks for, the checks it makes, and how to "
        "have it ready in one go.",
        "action_items": ["insurance_form", "payer_approval"],
        "body": """\
The Insurance Form gives us what we need to credential you with insurance payers on your behalf.
It arrives by email within one business day of submitting your General Onboarding form.

## Have these at hand

| What | Details |
| --- | --- |
| CAQH ProView ID | Digits only. See [What is CAQH ProView?](/support/what-is-caqh-proview/) |
| CAQH username and password | Stored encrypted and never shown back to anyone |
| NPI | Your individual (Type 1) National Provider Identifier, 10 digits |
| State licenses | State, license type, number and expiry date for each |
| Education | Institution, degree and graduation date |
| Work history | The last five years, most recent first |
| Liability insurance | Carrier, policy number, limits, dates and your certificate |

Psychiatrists (MD, DO) and nurse practitioners (NP/PMHNP) also add their **DEA registration**
(number, expiry and certificate) and **board certification** (board, specialty, expiry and
certificate).

## The checks the form makes

So that your application isn't returned by a payer weeks later, the form checks as you go:

- **NPI**: 10 digits with a valid check digit. Look yours up in the NPPES NPI Registry if unsure.
- **Professional liability insurance**: at least **$1,000,000 per claim** and **$3,000,000
  aggregate**, and a policy that hasn't expired.
- **Work history**: covers the last five years. Any gap longer than six months needs a short
  explanation (parental leave, study and travel are all fine; we only need to know).
- **Files**: PDF, PNG or JPEG, up to 10 MB each.

Each problem is shown next to its field, and everything else you entered is kept as a draft.

## After you submit

Our team reviews the form, usually within one business day. Once both of your forms are
approved, we email you a link to set your password for the Alma portal.
""",
    },
    {
        "slug": "what-is-caqh-proview",
        "title": "What is CAQH ProView, and why do we need your login?",
        "summary": "CAQH ProView is the industry's shared credentialing profile. Here's why "
        "Alma asks for your ID and login, and how we protect them.",
        "action_items": ["insurance_form"],
        "body": """\
**CAQH ProView** is a free online profile that most US insurance payers use to collect and verify
a provider's credentials. Instead of filling in a separate application for every payer, you keep
one profile up to date, and payers read it.

## Why we ask for your CAQH ID and login

Payers expect your CAQH profile to be complete, current and *attested* (confirmed by you every
120 days). With your login, our credentialing team can:

- check that your profile matches what you gave us on the Insurance Form,
- grant each payer access to your profile, and
- spot an expiring document before it holds up an application.

## How we protect it

Your CAQH password is encrypted as soon as you submit it and is never shown back, including to
you. Only credentialing staff can reveal it, and every reveal is recorded.

## Don't have a CAQH profile yet?

Register at CAQH ProView, complete your profile and attest it, then enter your new CAQH
ProView ID (digits only) on the Insurance Form. If you get stuck, click **Help** and we'll walk
you through it.
""",
    },
    {
        "slug": "staff-review-of-your-forms",
        "title": "What happens when our team reviews your forms",
        "summary": "How the review of your General Onboarding form and Insurance Form works, how "
        "long it takes, and what to do if we ask for changes.",
        "action_items": ["staff_review", "general_onboarding", "insurance_form"],
        "body": """\
Every form you submit is read by a member of our onboarding team before we move on.

## How long it takes

We review each submission **within one business day**. Business days are Monday to Friday,
excluding US federal holidays, so a form sent on a Friday afternoon is reviewed by Monday
afternoon. Your Onboarding Dashboard shows when the review of each form is due.

## What we check

- that the details are complete and consistent (names, license numbers, dates),
- that documents are legible and current, and
- that your directory bio and photo are appropriate for the public directory.

## If we ask for changes

You'll get an email that says **what needs to change and why**, with a link straight back to
that form. Everything you entered is still there; fix what we asked about and submit again.
We review the new submission within one business day, like the first.

## When both forms are approved

We email you a link to set your password and sign in to the Alma portal, usually within one
business day of the second approval.
""",
    },
    {
        "slug": "setting-your-password",
        "title": "Setting your password and signing in to the portal",
        "summary": "How to set your first password from the portal-access email, and what to do "
        "if the link has expired.",
        "action_items": ["set_password"],
        "body": """\
Once our team has approved both of your forms, we email you a link to **set your password**.
That's your first sign-in to the Alma portal.

## Setting it

1. Open the email titled *Portal access: set your password*.
2. Click the link and choose a password. Use something long and unique to Alma; a password
   manager helps.
3. You're signed in and taken to your Onboarding Dashboard.

The link is for you only, works once, and expires after three days. Please don't forward it.

## If the link has expired

Go to the sign-in page, click **Forgot your password?** and enter the email address you
onboarded with. We'll send you a fresh link.

## Signing in later

Sign in with your email address and password. If you ever forget it, use **Forgot your
password?** again.
""",
    },
    {
        "slug": "insurance-program-training-webinar",
        "title": "The Insurance Program Training Webinar",
        "summary": "A short video on how the Alma Insurance Program works: scheduling insurance "
        "visits, claims and payouts. Required, and you can watch it any time.",
        "action_items": ["webinar", "quiz"],
        "body": """\
Every new Alma member watches the **Insurance Program Training Webinar**. This brief video walks
you through:

- how the Alma Insurance Program works,
- how to schedule insurance visits, and
- what to expect with claims and payouts.

## When to watch it

Whenever suits you. Unlike the other onboarding steps, the webinar and quiz don't have to wait
their turn: you can do them as soon as your membership agreement is signed. We email you a
reminder as the last step of onboarding, and skip it if you've already finished.

## What counts as done

Watch the video **to the end**, then pass the short quiz. Both are needed: your onboarding is
complete once you've done them (and the steps before), and your directory profile goes live only
after them.

## Good to know

If you finish the webinar after your credentialing effective date and contracted start date,
your directory profile goes live on the day you finish it, so it pays to watch it early.
""",
    },
    {
        "slug": "insurance-program-quiz",
        "title": "Taking the Insurance Program quiz",
        "summary": "A few questions after the webinar to check the essentials. You can retake it "
        "until you pass.",
        "action_items": ["quiz", "webinar"],
        "body": """\
After the Insurance Program Training Webinar comes a brief quiz on the essentials: scheduling
insurance visits, claims, and when you can see insurance clients.

## Tips

- Watch the webinar to the end first; every question is covered there.
- There's no time limit, and no trick questions.
- If you don't pass, review the webinar and try again.

## What happens when you pass

The webinar and quiz are your last onboarding step. When they're done (and so are your forms,
their review and your password), we email you to confirm that your onboarding is complete, and
your directory profile can go live on its date.
""",
    },
    {
        "slug": "setting-up-your-payouts-account",
        "title": "Setting up your payouts account",
        "summary": "Add the bank account Alma pays you into. How we check and protect your bank "
        "details.",
        "action_items": ["payouts"],
        "body": """\
Alma pays you for your sessions, cash-pay and insurance alike, into your **payouts account**.
Add it before your first session so there's no delay in getting paid.

## What you'll need

- the **name on the account**,
- your bank's 9-digit **routing number**, and
- your **account number**.

You'll find both numbers at the bottom of a check or in your bank's app.

## How we check and protect it

- We check the routing number's check digit when you save, so a mistyped number is caught
  before any money moves.
- Your account number is encrypted when you save it. Afterwards we only ever show its last four
  digits.

## Changing banks

Update your payouts account in the portal. Payouts made after the change go to the new
account.
""",
    },
    {
        "slug": "adding-a-client-to-your-roster",
        "title": "Adding a client to your roster",
        "summary": "Add clients to your roster as cash-pay or insurance clients, and what you can "
        "do before your effective start date.",
        "action_items": ["add_client"],
        "body": """\
Your **client roster** is where you keep the clients you see through Alma, and where scheduling
and invoicing start.

## Adding a client

1. Open your client roster in the portal.
2. Add the client's name and contact details.
3. Choose how they pay: **cash-pay** (self-pay) or **insurance**, with their insurance payer.

## Cash-pay or insurance?

- **Cash-pay clients** can be added at any time, even while your credentialing is in progress.
- **Insurance clients** can be added once you are in-network with their payer: from that
  payer's effective date. Your Onboarding Dashboard and the Insurance & Directories page show
  each payer's date.

Read more in [Cash-pay and insurance clients before your effective start date](/support/cash-pay-and-insurance-before-your-effective-date/).
""",
    },
    {
        "slug": "cash-pay-and-insurance-before-your-effective-date",
        "title": "Cash-pay and insurance clients before your effective start date",
        "summary": "Until a payer's effective date you are out-of-network with it. Here's what you "
        "can already do, and what waits.",
        "action_items": ["add_client", "payer_approval"],
        "body": """\
Credentialing determines your **effective start date**: the date you can begin seeing insurance
clients through Alma. It is separate from the rest of your onboarding.

## Before your effective start date

You are **out-of-network** with Alma's insurance partners. You can still use Alma's invoicing and
scheduling tools to see **cash-pay clients**, so there's no need to wait to start your practice
on Alma.

## After it

Your effective start date is the earliest effective date among the payers that have approved
you. Each payer has its own date, though: you can see a client on a payer **from that payer's
effective date**. If Payer A approves you from March 1 and Payer B from March 20, a client on
Payer B can be seen from March 20.

## Where to see your dates

Your Onboarding Dashboard shows your effective start date and each payer's status, and the
**Insurance & Directories** page lists every payer with its dates.
""",
    },
    {
        "slug": "your-directory-profile",
        "title": "Your directory profile and when it goes live",
        "summary": "What your profile in the Alma directory shows, where it comes from, and the "
        "rule that decides the day it goes live.",
        "action_items": ["directory_profile"],
        "body": """\
Your profile in the Alma directory is how prospective clients find you.

## What it shows

Your name and credentials, photo and bio, specialties, approaches, the populations you serve,
languages, the states you're licensed in, whether you offer telehealth or an in-person office,
whether you're accepting new clients, and the insurance payers you're in-network with today.

Most of it comes from your **General Onboarding form**, so a complete form with a good photo and
bio makes a complete profile. Your dashboard lists anything that's still missing.

## When it goes live

Your profile goes live on **your credentialing effective date or your contracted start date,
whichever is later**, and only **after you've completed the Insurance Program Training Webinar
and quiz**. If you finish the webinar after both dates, the profile goes live the day you finish
it.

Your Onboarding Dashboard shows the expected go-live date and why it is that date, or what it is
still waiting for (for example, your first payer approval).

## Payers on your profile

Only payers you're in-network with **today** are listed. A payer appears on your profile from
its effective date.
""",
    },
    {
        "slug": "how-credentialing-works",
        "title": "How credentialing works and the 45-day timeline",
        "summary": "What credentialing is, what Alma does on your behalf, and why a payer's "
        "decision can take up to 45 days.",
        "action_items": ["payer_approval", "insurance_form"],
        "body": """\
**Credentialing** is how an insurance payer verifies a provider's qualifications before adding
them to its network. Alma collects, reviews and submits your materials to each payer on your
behalf. Being credentialed through Alma puts you in-network with our payer partners and gives
you access to enhanced rates under Alma's tax ID.

## The stages of an application

1. **Requested**: you (or your onboarding) asked for credentialing with a payer, and we're
   preparing your application.
2. **Submitted to payer**: the payer has your application.
3. **Approved**, with an **effective date**, or **Denied**, with the payer's reason. After a
   denial you can request credentialing again.

## Up to 45 days

Payers usually decide within **45 days** of submission. The timing is entirely in the payer's
hands, but we watch every application: if one runs past 45 days, we follow up with the payer and
your dashboard flags it.

## Your effective start date

Your effective start date is the earliest effective date among your approved applications. From
then you can see insurance clients on that payer; until then you can see cash-pay clients.

## More payers and programs

On the **Insurance & Directories** page you can request credentialing with more payers, join
associated programs such as Employee Assistance Programs once a payer has approved you, or
unenroll from a payer.
""",
    },
    {
        "slug": "insurance-and-directories-page",
        "title": "Using the Insurance & Directories page",
        "summary": "See each payer's status and dates, request credentialing with more payers, join "
        "Employee Assistance Programs, or unenroll.",
        "action_items": ["payer_approval"],
        "body": """\
The **Insurance & Directories** page (top right of the portal) lists every payer Alma works with
and where you stand with each.

## What you can do there

- **See each payer's status and dates**: requested, submitted (with the date a decision is
  expected), approved (with your effective date), denied (with the reason), or unenrolled.
- **Request credentialing** with another payer, or request again after a denial.
- **Join associated programs** such as Employee Assistance Programs (EAPs). A payer's programs
  open once that payer has approved you.
- **Unenroll from a payer**. We ask you to confirm first: from that day you can no longer see
  clients on that payer, and your enrollment in its programs ends.
""",
    },
    {
        "slug": "onboarding-dashboard",
        "title": "Using your Onboarding Dashboard",
        "summary": "Your progress at a glance: the four stages, what's done, what comes next and "
        "when, and your credentialing status.",
        "action_items": ["membership_agreement"],
        "body": """\
The Onboarding Dashboard keeps track of your onboarding so you don't have to.

## Where to find it

Click **Onboarding** in the top right corner of the Alma portal. Once your onboarding is complete,
find it under **Explore > Alma Basics**.

## What it shows

- **Four stages**: Account Created, Getting Started, Understanding Insurance and Expanding Your
  Caseload. Each lists its action items, marked done as soon as the work is done (no boxes to
  tick), with a button to do the next one and Support Center articles to help.
- **What comes next**: the next email we'll send you, reviews in progress and payer decisions,
  each with the date you can expect it.
- **Your directory go-live date**, and what it's waiting for if it isn't set yet.
- **Credentialing**: each payer's status at a glance.
- **Timeline**: what has happened so far, and when.
""",
    },
]


def seed(apps, schema_editor):
    Article = apps.get_model("support", "Article")
    for article in ARTICLES:
        Article.objects.update_or_create(
            slug=article["slug"], defaults={**article, "is_published": True}
        )


def unseed(apps, schema_editor):
    Article = apps.get_model("support", "Article")
    Article.objects.filter(slug__in=[article["slug"] for article in ARTICLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("support", "0001_article")]

    operations = [migrations.RunPython(seed, unseed)]
