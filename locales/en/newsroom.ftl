# The newsroom's own words (crates/gazette-web/newsroom/templates and its handlers). Every id
# starts with nr-. The language is the signed-in person's choice on "Your account".

nr-brand = Newsroom
nr-save = Save
nr-none = None.
nr-pages = Pages
nr-page-previous = Previous
nr-page-next = Next
nr-page-of = Page { $page } of { $pages }
nr-view-on-site = View on the site
nr-saved = Saved.

## Article statuses, roles, workflow actions, kinds of note

nr-status-draft = Draft
nr-status-in_review = In review
nr-status-scheduled = Scheduled
nr-status-published = Published
nr-status-unpublished = Unpublished
nr-role-contributor = Contributor
nr-role-author = Author
nr-role-editor = Editor
nr-role-admin = Admin
nr-action-submit = Submit for review
nr-action-publish = Publish now
nr-action-schedule = Schedule
nr-action-takedown = Set takedown time
nr-action-unpublish = Unpublish
nr-action-draft = Back to draft
nr-correction-correction = Correction
nr-correction-update = Update

## The top bar

nr-nav-articles = Articles
nr-nav-new-article = New article
nr-nav-media = Media
nr-nav-sections = Sections
nr-nav-tags = Tags
nr-nav-synonyms = Synonyms
nr-nav-breaking = Breaking news
nr-nav-people = People
nr-nav-settings = Settings
nr-nav-telegram = Telegram
nr-nav-webhooks = Webhooks
nr-nav-api-keys = API keys
nr-nav-audit = Audit log
nr-nav-public-site = Public site
nr-sign-out = Sign out

## Signing in

nr-login-title = Sign in
nr-login-heading = Sign in to the newsroom
nr-login-email = E-mail address
nr-login-password = Password
nr-login-submit = Sign in
nr-login-no-account = No account? An admin creates one
nr-login-signed-out = You are signed out.
nr-login-expired = The sign-in form had expired. Please try again.
nr-login-refused = That e-mail address and password do not match an active account.
nr-code-heading = Sign-in code
nr-code-sign-in-again = Sign in again
nr-code-label = The 6-digit code from your authenticator app
nr-code-lost-phone = Lost your phone? Type one of your recovery codes instead (each works once). No recovery codes left? An admin can turn two-factor sign-in off for you.

## Your account

nr-account-title = Your account
nr-account-two-factor = Two-factor sign-in
nr-account-two-factor-on = On: you sign in with your password and a code from your phone.
nr-account-two-factor-off = Off.
nr-account-two-factor-manage = Manage two-factor sign-in
nr-account-two-factor-set-up = Set up two-factor sign-in
nr-account-api-tokens = API tokens
nr-account-api-tokens-hint = Programs that write or publish for you (a CMS sync, a script) use a token of yours, with only the rights you give it.
nr-account-api-tokens-manage = Manage your API tokens
nr-account-language = Interface language
nr-account-language-label = The language the newsroom speaks to you in
nr-account-language-save = Save language
nr-account-language-saved = Your interface language was saved.
nr-account-language-unknown = Choose one of the languages in the list.
nr-account-password = Change your password
nr-account-current-password = Current password
nr-account-new-password = New password (at least 10 characters)
nr-account-repeat-password = New password again
nr-account-password-submit = Change password
nr-account-password-changed = Your password was changed. Other browsers were signed out.
nr-account-current-password-wrong = Your current password is not right.
nr-account-passwords-differ = The new password and its repetition differ.
nr-account-sign-out-everywhere = Sign out everywhere
nr-account-sign-out-everywhere-hint = Ends your sessions in every browser, this one included. Use it if you signed in on a shared or lost device.

## The list of articles

nr-articles-title = Articles
nr-articles-status = Status
nr-articles-any = Any
nr-articles-section = Section
nr-articles-author = Author
nr-articles-language = Language
nr-articles-text = Text
nr-articles-sort = Sort
nr-articles-last-saved = Last saved
nr-articles-published = Published
nr-articles-headline = Headline
nr-articles-filter = Filter
nr-articles-count = { $count ->
        [one] { $count } article
       *[other] { $count } articles
    }
nr-articles-bylines = Bylines
nr-articles-none = No articles match.
nr-articles-welcome = Welcome back.

## The editor

nr-editor-edit = Edit article
nr-editor-edit-title = Edit: { $headline }
nr-editor-revisions = Revisions
nr-editor-live-blog = Live blog
nr-editor-also-editing = Also editing:
nr-editor-opened = { $name } (opened { $seen })
nr-editor-both-save = If you both save, the second save is refused rather than overwriting the first.
nr-editor-standfirst = Standfirst
nr-editor-body = Body (Markdown)
nr-editor-bold = Bold
nr-editor-italic = Italic
nr-editor-quote = Quote
nr-editor-heading = Heading
nr-editor-hint-quotes = Quotes start with
nr-editor-hint-pull = a pull quote with
nr-editor-hint-headings = Headings start at
nr-editor-tags = Tags
nr-editor-tags-hint = comma-separated; new ones are created
nr-editor-address-seo = Address and search engines
nr-editor-slug = Address (slug)
nr-editor-slug-hint = old addresses keep redirecting
nr-editor-seo-title = SEO title
nr-editor-seo-description = SEO description
nr-editor-preview = Preview
nr-editor-shortcuts = Keyboard shortcuts
nr-editor-on-a-mac = on a Mac
nr-editor-refresh-preview = Refresh the preview
nr-editor-publish-shortcut = Publish now (asks first; save your changes before)
nr-editor-preview-hint = Press Preview to see the body as readers will.
nr-editor-workflow = Workflow
nr-editor-publication-time = publication time
nr-editor-updated = updated
nr-editor-embargoed-until = embargoed until
nr-editor-takedown = takedown
nr-editor-publish-at = Publish at (UTC, for Schedule)
nr-editor-embargo-until = Embargo: not before (UTC)
nr-editor-takedown-at = Take down at (UTC)
nr-editor-takedown-editor-only = Only an editor can change a takedown time
nr-editor-scheduled-takedown = Scheduled takedown (UTC)
nr-editor-set-takedown = Set takedown
nr-editor-home-page = Home page
nr-editor-pinned-since = Pinned to the top of the home page since { $since }.
nr-editor-pin-hint = Pinned stories lead the home page, the newest first, until unpinned.
nr-editor-unpin = Unpin from the home page
nr-editor-pin = Pin to the home page
nr-editor-corrections = Corrections and updates
nr-editor-correction-kind = Kind
nr-editor-correction-option = Correction (listed on the corrections page)
nr-editor-note = Note shown to readers
nr-editor-add-note = Add note
nr-optional = optional
nr-edit = Edit
nr-delete = Delete

## Media

nr-media-title = Media
nr-media-file = Image (JPEG, PNG, WebP or GIF; up to { $mb } MB and { $megapixels } megapixels)
nr-media-drop-hint = Or drop a file on this box. Location and camera data are removed from every stored copy.
nr-media-alt-long = Alt text (what the picture shows, for readers who cannot see it)
nr-media-alt = Alt text
nr-media-caption = Caption
nr-media-credit = Credit
nr-media-credit-placeholder = Photo: …
nr-media-upload = Upload
nr-media-not-configured = This site has no media storage configured.
nr-media-library = Library ({ $total })
nr-media-files = { $count ->
        [one] { $count } file
       *[other] { $count } files
    }
nr-media-no-alt = no alt text
nr-media-markdown = Markdown for the body:
nr-media-none = No images yet.
nr-media-newer = Newer
nr-media-older = Older
nr-featured-title = Featured image
nr-featured-no-alt = No alt text yet
nr-featured-body-hint = To put an image in the body, paste its Markdown from the media library
nr-featured-library = media library
nr-featured-image = Image
nr-featured-none = None
nr-featured-set = Set featured image
nr-featured-upload-new = Or upload a new one (or drop it here)
nr-featured-upload = Upload and feature
nr-featured-every-image = Every image is in the media library
nr-featured-alt-required = Alt text is required before publishing.

## Live blogs

nr-live-title = Live: { $headline }
nr-live-live = Live
nr-live-ended = Coverage ended
nr-live-edit-article = Edit the article
nr-live-coverage = Live coverage
nr-live-not-a-blog = This article is not a live blog. A live blog shows the article's standfirst and summary on top, then timestamped entries, newest first, that reach readers' open pages within a second.
nr-live-make = Make this a live blog
nr-live-who-can-make = An editor, or the article's author, can make it one.
nr-live-new-entry = New entry
nr-live-editor-publishes = an editor publishes it
nr-live-entry = Entry
nr-live-ctrl-enter = posts.
nr-live-photo = Photo
nr-live-photo-alt = Photo description
nr-live-photo-alt-hint = alt text, required with a photo
nr-live-key-event = Key event
nr-live-post-for-approval = Post for approval
nr-live-post = Post
nr-live-save-draft = Save draft
nr-live-has-ended = Coverage has ended: nothing new reaches readers' pages.
nr-live-resume-below = Resume coverage below to post again.
nr-live-who-can-resume = An editor or the article's author can resume it.
nr-live-your-drafts = Your drafts ({ $n })
nr-live-waiting = Waiting for an editor ({ $n })
nr-live-published = Published entries
nr-live-nothing-published = Nothing published yet.
nr-live-entry-pages = Entry pages
nr-live-newer = Newer entries
nr-live-older = Older entries
nr-live-coverage-short = Coverage
nr-live-since = Live since { $since }.
nr-live-started-ended = Started { $started }; ended { $ended }.
nr-live-end = End coverage
nr-live-resume = Resume coverage
nr-live-stop-confirm = Make this an ordinary article again? Its entries are kept but no longer shown.
nr-live-stop = Stop being a live blog
nr-live-pinned = Pinned
nr-live-edited = Edited { $at }
nr-live-revisions = revisions
nr-live-unpin = Unpin
nr-live-pin = Pin
nr-live-unkey = Not a key event
nr-live-mark-key = Mark key event
nr-live-delete-confirm = Delete this entry? Readers' open pages remove it at once.
nr-live-link = Link to this entry
nr-live-edit-entry = Edit entry
nr-live-back = Back to the live blog
nr-live-save-entry = Save entry
nr-live-save-hint = Saving a published entry shows it to readers as edited; what it said before is kept below.
nr-live-cannot-change = You cannot change this entry any more. Ask an editor.
nr-live-earlier = Earlier versions
nr-live-until = Until { $at }
nr-live-changed-by = when { $name } changed it
nr-live-not-changed = This entry has not been changed.

## Revisions and changes

nr-rev-from = From
nr-rev-to = To
nr-rev-saved = Saved
nr-rev-by = By
nr-rev-what = What
nr-rev-words = Words
nr-rev-compare-from = Compare from revision { $n }
nr-rev-compare-to = Compare to revision { $n }
nr-rev-restore = Restore
nr-rev-current = current
nr-rev-compare = Compare
nr-diff-title = Changes
nr-diff-revisions-of = Revisions of { $headline }
nr-diff-from-to = From revision { $from } ({ $from_at }, { $from_by }) to revision { $to } ({ $to_at }, { $to_by }).
nr-diff-removed = Removed words
nr-diff-added = added words
nr-diff-unchanged = unchanged
nr-error-back = Back to the newsroom

## Shared words of the admin pages

nr-name = Name
nr-person = Person
nr-address = Address
nr-add = Add
nr-create = Create
nr-or = or
nr-never = never
nr-last-used = Last used
nr-revoke = Revoke
nr-revoked = Revoked { $at }

## Two-factor sign-in

nr-2fa-your-codes = Your recovery codes
nr-2fa-write-down = Write these down or print them now and keep them apart from your phone:
nr-2fa-shown-once = they are shown only this once
nr-2fa-each-once = Each signs you in once instead of a code from the app.
nr-2fa-is-on = Two-factor sign-in is on
nr-2fa-since = since { $since }
nr-2fa-on-hint = After your password you type the code your authenticator app shows.
nr-2fa-codes-left = Recovery codes left:
nr-2fa-make-more = make new ones below before you run out.
nr-2fa-new-codes = New recovery codes
nr-2fa-new-codes-hint = Makes a new set; the old ones stop working.
nr-2fa-your-password = Your password
nr-2fa-make-codes = Make new recovery codes
nr-2fa-turn-off-title = Turn two-factor sign-in off
nr-2fa-required-hint = This newsroom requires two-factor sign-in: after turning it off you must set it up again (for example on a new phone) before you can continue.
nr-2fa-turn-off = Turn off
nr-2fa-being-set-up = Two-factor sign-in is being set up.
nr-2fa-not-on-until = It is not on until you type a code below.
nr-2fa-step-app = Open an authenticator app on your phone (any app for “TOTP” codes: Aegis, Google Authenticator, 1Password, Authy…).
nr-2fa-step-scan = Scan this code with it:
nr-2fa-step-key = or type this key into it (time-based, 6 digits, 30 seconds):
nr-2fa-setup-address = The setup address
nr-2fa-step-code = Type the code the app now shows:
nr-2fa-code = 6-digit code
nr-2fa-turn-on = Turn on two-factor sign-in
nr-2fa-cancel-password = Your password, to cancel the set-up
nr-2fa-cancel = Cancel set-up
nr-2fa-is-off = Two-factor sign-in is off.
nr-2fa-off-hint = With it on, signing in needs your password and a code from an app on your phone, so a leaked password alone is not enough.

## API tokens and keys

nr-tokens-hint = A token lets a program use the Admin API as you: it never does more than your role allows, and what it changes is in the audit log under its name
nr-tokens-send-as = Send it as
nr-tokens-new = Your new token “{ $name }”.
nr-tokens-copy-now = Copy it now: it is shown this once, and only a fingerprint of it is kept.
nr-tokens-the-new = The new token
nr-tokens-starts = Starts
nr-tokens-scopes = Scopes
nr-tokens-expires = Expires
nr-tokens-used-from = { $at } from { $address }
nr-tokens-expired = Expired
nr-tokens-none = No tokens yet.
nr-tokens-new-title = New token
nr-tokens-name-placeholder = CMS sync
nr-tokens-expires-after = Expires after
nr-tokens-days = days
nr-tokens-at-most = at most { $n }
nr-tokens-make = Make token
nr-keys-title = Content API keys
nr-keys-hint-api = The Content API
nr-keys-reference = reference
nr-keys-hint = answers anyone: a key is optional. Give one to each partner site or app that uses it, so that its requests are counted here and held to a rate of its own. A revoked key is refused at once. Counts are written every second or so.
nr-keys-the-key-for = The key for
nr-keys-copy-now = Copy it now: it is not shown again, and only a fingerprint of it is kept.
nr-keys-starts = Key starts
nr-keys-rate = Requests a minute
nr-keys-requests = Requests
nr-keys-made = Made
nr-keys-none = No keys yet.
nr-keys-new = New key
nr-keys-partner = Partner site
nr-keys-who = Who will use it
nr-keys-make = Make a key

## People

nr-users-role-byline-access = Role, byline, access
nr-users-since = since { $at }
nr-users-role = Role
nr-users-byline = Byline
nr-users-no-byline = No byline
nr-users-new-byline = New byline in their name
nr-users-disabled = Disabled
nr-users-two-factor-on = Two-factor on
nr-users-two-factor-off = Two-factor off
nr-users-two-factor-reset = Turn two-factor off (lost phone)
nr-users-new-password-for = New password for { $name }
nr-users-reset = Reset
nr-users-add-title = Add a person
nr-users-password = Password (at least 10 characters)

## Sections, tags, synonyms

nr-sections-position = Menu position
nr-sections-description = Description
nr-sections-new = New section
nr-sections-address-optional = address (optional)
nr-tags-hint = Writers create tags as they type them in the editor. Renaming keeps the tag's address.
nr-tags-name-of = Name of
nr-tags-rename = Rename
nr-tags-none = No tags yet.
nr-synonyms-title = Search synonyms
nr-synonyms-hint = Spellings in one group are one word to search: a reader who types any of them finds articles with the others. Use it for names transliterated in several ways. Changes apply within a second; nothing needs reindexing.
nr-synonyms-spellings = Spellings
nr-synonyms-none = No synonyms yet.
nr-synonyms-new = New group
nr-synonyms-label = Spellings, separated by commas

## Settings, breaking news, the audit log

nr-settings-title = Site settings
nr-settings-save = Save settings
nr-settings-require-2fa = Require two-factor sign-in of everyone
nr-settings-require-2fa-hint = People without it are sent to set it up right after signing in, before they can do anything else.
nr-settings-own-first = Set it up for your own account first.
nr-breaking-now = Banner now
nr-breaking-set-at = Set { $at }.
nr-breaking-disappears = Disappears by itself { $at }.
nr-breaking-expired = Expired { $at }: readers no longer see it.
nr-breaking-until-cleared = Shows until it is cleared.
nr-breaking-clear = Clear the banner
nr-breaking-none = No banner is set.
nr-breaking-set = Set the banner
nr-breaking-hint = It appears at the top of every page of the site within a second, open pages included, and replaces the banner there is now.
nr-breaking-at-most = at most { $n } characters
nr-breaking-link = Link
nr-breaking-link-hint = optional: a path on this site such as /war/some-story, or an https:// address
nr-breaking-expires = Remove it automatically
nr-breaking-show = Show the banner
nr-audit-action = Action
nr-audit-action-placeholder = e.g. publish
nr-audit-thing = Thing
nr-audit-anyone = Anyone
nr-audit-when = When
nr-audit-who = Who
nr-audit-detail = Detail
nr-audit-from = From
nr-audit-none = Nothing recorded.

## Telegram and webhooks

nr-on = On
nr-off = Off
nr-remove = Remove
nr-event = Event
nr-retry = Retry
nr-nothing-sent = Nothing sent yet.
nr-next-try = next try { $at }
nr-after-attempts = { $count ->
        [one] after { $count } attempt
       *[other] after { $count } attempts
    }
nr-tg-title = Telegram and pings
nr-tg-bot = Bot
nr-tg-configured = A bot token is configured. Articles published in a section a channel follows are posted there; an edit of the article edits the message, unpublishing deletes it.
nr-tg-not-configured = No bot token is configured, so nothing is posted. Set
nr-tg-not-configured-how = on the server and restart it; see docs/telegram.md. Channels can be set up meanwhile.
nr-tg-add-bot = Add the bot to each channel as an administrator allowed to post, edit and delete messages.
nr-tg-websub-on = the feeds announce { $hub } and it is pinged on publish.
nr-tg-off = off.
nr-tg-indexnow-on = on: search engines are told of each article published.
nr-tg-channels = Channels
nr-tg-chat = Chat
nr-tg-chat-title = Title
nr-tg-posting = Posting
nr-tg-images = Images
nr-tg-every-section = Every section
nr-tg-with-images = With images
nr-tg-no-channels = No channels yet.
nr-tg-new-channel = New channel
nr-tg-chat-placeholder = @channel or -100…
nr-tg-chat-label = Chat: the channel's @username or numeric id
nr-tg-title-optional = Title (optional)
nr-tg-recent = Recent deliveries
nr-tg-where = Where
nr-wh-hint = Gazette POSTs each event you choose to the endpoint's URL as JSON, signed with the endpoint's secret
nr-wh-hint-retry = A delivery that fails is retried for 24 hours. See docs/webhooks.md for the payloads and how to check a signature.
nr-wh-endpoints = Endpoints
nr-wh-events = Events
nr-wh-sending = Sending
nr-wh-added = Added
nr-wh-none = No endpoints yet.
nr-wh-new = New endpoint
nr-wh-description-placeholder = Who receives it (optional)
nr-wh-add = Add endpoint
nr-wh-all = All webhooks
nr-wh-title = Webhook
nr-wh-is-off = This endpoint is off: nothing is sent to it.
nr-wh-switched-off = Gazette switched it off because { $reason }.
nr-wh-delete = Delete endpoint
nr-wh-secret = Secret
nr-wh-secret-hint = Deliveries are signed with this secret (HMAC-SHA256). Keep it on the receiver only.
nr-wh-new-secret = Make a new secret
nr-wh-deliveries = Deliveries
nr-wh-response = Response
nr-wh-took = Took
nr-wh-attempts = Attempts
nr-wh-event-delivery = event { $event }, delivery { $delivery }
nr-wh-ms = { $ms } ms
nr-wh-redeliver = Redeliver

## Notices after a save in the editor

nr-notice-created = Draft created.
nr-notice-saved = Saved.
nr-notice-submit = Submitted for review.
nr-notice-publish = Published.
nr-notice-schedule = Scheduled.
nr-notice-unpublish = Unpublished: readers now get “removed”.
nr-notice-draft = Moved back to draft.
nr-notice-takedown = Takedown time saved.
nr-notice-corrected = Note added; readers see it at the end of the article.
nr-notice-restored = Revision restored as a new save.
nr-media-uploaded = Image uploaded. Give it alt text before an article using it is published.

## Live-blog entries and notices

nr-entry-draft = Draft
nr-entry-pending = Waiting for an editor
nr-entry-published = Published
nr-entry-deleted = Deleted
nr-entry-send-for-approval = Send for approval
nr-entry-publish = Publish
nr-live-notice-start = This article is now a live blog. Post the first entry.
nr-live-notice-resume = Coverage resumed: new entries reach open pages again.
nr-live-notice-end = Coverage ended. Readers see the blog as ended; resume it to post again.
nr-live-notice-stop = This is an ordinary article again. Its entries are kept if it becomes a live blog again.
nr-live-notice-saved = Entry saved.
nr-live-notice-publish = Entry published.
nr-live-notice-pending = Entry sent to an editor for approval.
nr-live-notice-delete = Entry deleted; open pages remove it.
nr-live-notice-pin = Entry pinned to the top of the blog.
nr-live-notice-unpin = Entry unpinned.
nr-live-notice-key = Entry marked as a key event.
nr-live-notice-unkey = Entry no longer a key event.

## Notices and refusals from the other pages

nr-code-expired = This sign-in waited more than { $minutes } minutes for its code, or was already used. Sign in again.
nr-code-form-expired = The form had expired. Type the code again.
nr-code-wrong = That code is not right. Type the 6 digits your app shows now (they change every 30 seconds), or one of your recovery codes.
nr-2fa-notice-required = This newsroom requires two-factor sign-in. Set it up here to continue to the rest of the newsroom.
nr-2fa-notice-off = Two-factor sign-in is off. You sign in with your password alone.
nr-2fa-notice-off-required = Two-factor sign-in is off, but this newsroom requires it: set it up again (with a new phone, say) to continue.
nr-users-notice-created = Account created. Give them their password in person or by phone.
nr-users-notice-password = Password reset; they were signed out everywhere.
nr-users-notice-signed-out = Signed out everywhere.
nr-users-notice-two-factor-reset = Two-factor sign-in turned off; they sign in with their password and can set it up again.
nr-settings-saved = Settings saved; the public site shows them now.
nr-sections-notice-created = Section created.
nr-tags-notice-renamed = Tag renamed; its address is unchanged.
nr-tags-notice-deleted = Tag deleted and removed from its articles.
nr-synonyms-notice-added = Synonyms added. Search finds every spelling within a second.
nr-synonyms-notice-deleted = Synonym group deleted.
nr-breaking-never = Never: until it is cleared
nr-breaking-30-minutes = After 30 minutes
nr-breaking-1-hour = After 1 hour
nr-breaking-3-hours = After 3 hours
nr-breaking-12-hours = After 12 hours
nr-breaking-notice-set = The banner is showing on every page of the site.
nr-breaking-notice-clear = The banner is cleared from every page of the site.
nr-diff-body = Body
nr-diff-slug = Address (slug)
nr-keys-notice-revoked = Key revoked. Requests that send it are refused from now on.
nr-tokens-notice-revoked = Token revoked: programs using it are refused from now on.
nr-delivered = Delivered
nr-failed = Failed
nr-wh-waiting = Waiting
nr-wh-notice-created = Endpoint added. Give its secret to the receiver so it can check each delivery's signature.
nr-wh-notice-saved = Endpoint saved.
nr-wh-notice-deleted = Endpoint deleted, with its delivery log.
nr-wh-notice-secret = New secret made. Deliveries are signed with it from now on: update the receiver.
nr-wh-notice-redelivered = Delivery queued: it is sent within a few seconds.
nr-tg-waiting = Waiting to retry
nr-tg-notice-added = Channel added. Articles published from now on are posted there.
nr-tg-notice-saved = Channel saved.
nr-tg-notice-removed = Channel removed: nothing more is posted, edited or deleted there. Messages already posted stay.
nr-tg-notice-retried = Delivery queued again: it is tried within a few seconds.

## The editor's refusals

nr-form-no-section = Choose a section.
nr-form-unknown-section = That section does not exist.
nr-form-no-byline = Choose at least one byline.
nr-form-unknown-byline = A chosen byline does not exist.
nr-form-too-many-tags = An article can have at most { $max } tags.
nr-form-tag-too-long = A tag can be at most { $max } characters.
nr-form-empty-headline = The headline cannot be empty.
nr-form-headline-too-long = The headline can be at most { $max } characters.
nr-form-damaged-revision = The form's revision number is damaged; reload the editor.

## The editor's script

nr-js-save-first = Save your changes first (Ctrl+S), then publish.
nr-js-publish-confirm = Publish this article now?
nr-js-autosaved = Autosaved
nr-js-not-autosaved = Not autosaved:
nr-js-offline = Not autosaved: offline?
nr-js-uploading = Uploading
nr-js-image-added = Image added. Write its alt text between the brackets before publishing.
nr-js-upload-failed = The upload failed; try the media library page.

## Token scopes, webhook events, site settings

nr-scope-read-drafts = Read drafts and unpublished articles
nr-scope-write-drafts = Create, edit and submit articles
nr-scope-publish = Schedule, publish, unpublish and correct
nr-scope-media = Upload images
nr-scope-live = Post live-blog entries
nr-scope-admin = Administration
nr-event-article-published = Article published
nr-event-article-updated = Published article updated
nr-event-article-unpublished = Article unpublished
nr-event-correction-added = Correction added
nr-event-live-entry-posted = Live entry posted
nr-event-breaking-set = Breaking news set
nr-event-breaking-cleared = Breaking news cleared
nr-setting-site-name = Site name
nr-setting-tagline = Tagline
nr-setting-description = Description (for search engines)
nr-setting-facebook = Facebook page address
nr-setting-x = X profile address
nr-setting-telegram = Telegram channel address
nr-setting-youtube = YouTube channel address
nr-setting-instagram = Instagram profile address
