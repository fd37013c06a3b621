"""Demo data: a realistic, deterministic slice of Mongolia's health and education services.

``manage.py seed_demo`` builds facilities in ten aimags and three Ulaanbaatar districts, the
organisations around them (ministries, agencies, governors' offices, khurals, departments,
hospitals, CSOs, a national network with member networks and subnetworks, media, academia,
donors), one login per persona of docs/design.md section 2, and demo feedback, groups, plans and
score cards; ``manage.py demo_logins`` prints the logins (docs/demo.md).

What the demo contains is written as tables in ``data.py``; ``facilities.py`` and
``organizations.py`` plan the rows from them (pure functions of the reference units), ``seed.py``
writes them and ``feedback.py`` moves the demo feedback through the services.
"""
