"""What the authorization matrix knows about each route with an object identifier in its path, besides the
scenarios of scenarios.py. test_authorization.py fails when a route appears that is in neither, and when an entry
here names a route that no longer exists: a new object route cannot slip in untested without someone writing, in
this reviewed file, why.

Keys are URL names ("app:name") for pages and "METHOD /api/v1/path" for the API."""

# Objects that everyone may read, by law or by design. Unknown identifiers still answer 404 (the probe test).
PUBLIC: dict[str, str] = {
    "services:service_detail": "the public catalogue of services",
    "services:application_start": "the catalogue's 'apply' page of a published service (sign-in required to apply)",
    "GET /api/v1/services/{code}": "the public catalogue of services",
    "npas:profile": "the NPA register is public (Decree on Associations)",
    "GET /api/v1/npas/{registration_number}": "the NPA register is public",
    "GET /api/v1/npas/{registration_number}/reports": "NPAs' annual reports are published with the register",
    "consultation:detail": "an open or closed consultation is public; an unopened draft is not (scenario)",
    "consultation:diff": "as consultation:detail",
    "consultation:comments_csv": "published comments of a public consultation",
    "consultation:comments_json": "published comments of a public consultation",
    "GET /api/v1/consultations/{slug}": "as consultation:detail",
    "GET /api/v1/consultations/{slug}/comments": "as consultation:comments_json",
    "coordination:group_detail": "sector groups and their work plans are public",
    "GET /api/v1/sector-groups/{sector}": "sector groups are public",
    "coordination:meeting_detail": "the annual meeting, its agenda and commitments are public",
    "GET /api/v1/annual-meetings/{year}": "the annual meeting is public",
    "budget:agency": "Glass Accounts: an agency's published budget",
    "budget:province": "Glass Accounts: a province's published budget",
    "budget:line": "Glass Accounts: a published budget line",
    "budget:contract": "Glass Accounts: a published contract",
    "budget:payment": "Glass Accounts: a published payment",
    "budget:glass_index_agency": "Glass Accounts: an agency's published Glass Index",
    "budget:payee": "Glass Accounts: who was paid with public money is published (payments above the threshold); "
    "for a payee who is a private individual only the name and the payments, never an identifier "
    "(test_payee_pages_of_individuals_show_no_identifier)",
    "budget:flag": "Glass Accounts: red flags are published; a dismissed one is withdrawn (scenario)",
    "GET /api/v1/budget/transactions/{tx_id}": "Glass Accounts: a published payment",
    "GET /api/v1/budget/glass-index/{code}": "Glass Accounts: an agency's published Glass Index",
    "GET /api/v1/budget/ocds/records/{ocid}.json": "Glass Accounts: published procurement (OCDS record)",
    "GET /api/v1/budget/data/{resource}.csv": "Glass Accounts: the published data package's resources",
    "GET /api/v1/budget/dumps/{filename}": "Glass Accounts: the nightly bulk files; names that leave the dump "
    "directory are refused (test_budget_dump_names_cannot_leave_the_dump_directory)",
    "migration:info_page": "public information for migrants, by destination country",
    "migration:agency_detail": "the public register of licensed recruitment agencies",
    "GET /api/v1/migration/agencies/{licence_number}": "the public register of licensed recruitment agencies",
    "GET /api/v1/migration/info-pages/{country}": "public information for migrants, by destination country",
    "POST /govstack/registration/services/{serviceKey}/applications": "the identifier is a public service of the "
    "catalogue; the applicant is always the caller (test_govstack_submission_is_always_for_the_caller)",
    "GET /govstack/registration/services/{serviceKey}": "the public catalogue (GovStack Registration building block)",
    "GET /govstack/registration/eForms/{key}": "a public service's form (GovStack Registration building block)",
}

# Links whose secret token is the permission (sent by e-mail); they are tested by the accounts app.
CAPABILITY: dict[str, str] = {
    "accounts:email_confirm": "e-mail confirmation link (signed token)",
    "accounts:password_reset_confirm": "password reset link (Django's token generator)",
}

# Object routes with no scenario yet. Printed by the test; every entry is debt, to be replaced by a scenario.
UNCOVERED: dict[str, str] = {
    "npas:project_decide": "needs an NPA project through the npa-project workflow and a line-ministry approver",
}
