# The public site's words: the default theme's templates and the pages' titles written in Rust.
# Ids start with the part of the page they belong to. Messages whose arguments are HTML (a
# byline's linked names, a <time> element) are printed unescaped: keep them free of markup.

## The page around every page (base.html)

# The value of og:locale.
og-locale = en_GB
nav-skip = Skip to main content
nav-sections = Sections
search-quick = Quick search
search-field-label = Search articles
search-placeholder = Search the archive
search-button = Search
breaking-region = Breaking news
breaking-label = Breaking
footer-nav = Footer
footer-sections = Sections
footer-newspaper = The newspaper
footer-follow-us = Follow us
footer-rights = © { $year } { $site }. All rights reserved.

## Breadcrumbs and page numbers

breadcrumb-label = Breadcrumb
breadcrumb-home = Home
pagination-label = Pagination
pagination-previous = Previous
pagination-previous-page = Previous page
pagination-next = Next
pagination-next-page = Next page
# The accessible name of a page number's link.
pagination-page = Page { $page }
pagination-status = Page { $page } of { $pages }
# A list page's title after its first page: "War (page 2)".
list-page-n = { $title } (page { $page })

## Cards and bylines

# "By Olena Marchenko", "By Olena Marchenko and Dispatch Staff", "By A, B and C". $count is the
# number of authors, $others every name but the last joined with commas, $last the last name.
byline = { $count ->
        [1] By { $last }
       *[other] By { $others } and { $last }
    }

## The front page (home.html)

home-brand-suffix = — latest news
home-top-stories = Top stories
home-more-in = More in { $section }
home-aside = Latest and most read
home-latest = Latest
home-most-read = Most read
home-empty-title = Nothing published yet
home-empty-text = The first stories from the newsroom will appear here soon.

## The article page (article.html)

# "Updated 31 Mar, 2025"; $date is the date as a <time> element.
article-updated = Updated { $date }
# Read by screen readers after the view count: "194 views".
article-views-unit = { $count ->
        [one] view
       *[other] views
    }
article-topics = Topics
share-title = Share this article
share-email = E-mail
article-about-authors = { $count ->
        [1] About the author
       *[other] About the authors
    }
author-more = More articles
author-more-by = More articles by { $name }
article-top = Top articles
article-related = More from { $section }
# The title of a live blog's feeds.
article-live-feed = { $headline } (live updates)

## Corrections (article.html, corrections.html)

corrections-notes-title = Corrections and updates
corrections-kind-correction = Correction
corrections-kind-update = Update
corrections-all = All corrections
corrections-title = Corrections
corrections-description = Every correction we have made to a published article, newest first.
corrections-intro = When we get something wrong, we correct it and say so at the end of the article. These are all our corrections, newest first.
corrections-none = No corrections so far.
corrections-newer = Newer
corrections-older = Older

## Live blogs (article.html, partials/entry.html)

live-coverage-live = Live
live-coverage-ended = Coverage ended
live-key-events = Key events
live-updates = { $count ->
        [one] { $count } update
       *[other] { $count } updates
    }
live-kyiv-time = Times are Kyiv time.
live-following = New updates appear here as they are posted.
# $date is the date as a <time> element.
live-ended = Coverage ended { $date }.
live-empty = No updates yet.
live-pages = Pages of updates
live-newer = Newer updates
live-older = Older updates
# The button over entries that arrived while the reader was scrolled down. The page's script
# writes the number in place of "#"; $count only picks the form.
live-new-updates = { $count ->
        [one] # new update
       *[other] # new updates
    }
entry-at = Update at { $time }
entry-pinned = Pinned
entry-key-event = Key event
# $date is the date as a <time> element.
entry-edited = Edited { $date }

## Section, tag and author pages (list.html)

list-kicker-section = Section
list-kicker-tag = Topic
list-kicker-author = Author
list-tag-description = News and analysis tagged { $tag }.
list-author-description = Articles by { $name }.
list-empty-title = No articles here yet.
list-empty-text = New stories will appear here as soon as they are published.
# $link is list-empty-front-link, linked to the front page.
list-empty-meanwhile = Meanwhile, { $link }.
list-empty-front-link = read the latest news on the front page

## Search (search.html)

search-title = Search
search-title-query = Search: { $query }
search-description = Search the archive.
search-filters = Filters and order
search-section = Section
search-all-sections = All sections
search-author = Author
search-all-authors = All authors
search-language = Language
search-all-languages = All languages
search-from = From
search-to = To
search-order = Order
search-best-match = Best match
search-newest = Newest first
search-results = { $count ->
        [one] { $count } result for “{ $query }”
       *[other] { $count } results for “{ $query }”
    }
# When the index stopped counting: "More than 1,000 results".
search-results-more = More than { $count } results for “{ $query }”
search-date-order = Results are in date order, newest first, while the search index is being built.
search-nothing = Nothing matched “{ $query }”.
search-nothing-filtered = Nothing matched “{ $query }” with these filters.
# $link is search-unfiltered-link, linked to the same search without filters.
search-unfiltered = { $link } instead.
search-unfiltered-link = Search all sections, authors, languages and dates
search-tip-words = Try fewer or more general words: every word must appear in the article.
search-tip-spelling = Check the spelling of names; Kyiv and Kiev, Zelenskyy and Zelensky are found either way.
search-tip-browse = Or browse the sections in the menu above.
search-empty-title = What are you looking for?
search-empty-text = Type a word, a place or a name into the search box to find articles, in English or Ukrainian.

## Error pages (error.html)

error-label = Error
error-front = Go to the front page
error-search = Or search our articles
error-bad-request-title = That request did not work
error-forbidden-title = Not allowed
error-conflict-title = Changed by someone else
error-not-found-title = Page not found
error-not-found-message = We could not find that page. It may have moved, or the address may be mistyped. Try the search below or start again from the front page.
error-gone-title = This article has been removed
error-gone-message = The newsroom has taken this article down. Our corrections policy explains when and why we do that.
error-too-many-title = Too many attempts
error-too-large-title = That form is too large
error-unavailable-title = Temporarily unavailable
error-unavailable-message = We are having trouble reaching our archive. Please try again in a minute.
error-busy-title = Busy
error-internal-title = Something went wrong
error-internal-message = Something went wrong on our side. The problem has been logged; please try again.
error-sign-in-title = Sign in

## Search refusals (a 400 page): $value is what the reader sent

search-bad-section = There is no section “{ $value }”.
search-bad-author = There is no author “{ $value }”.
search-bad-language = “{ $value }” is not a language of this site. Choose one from the Language list.
search-bad-start-date = “{ $value }” is not a start date. Dates are written like 2025-03-31.
search-bad-end-date = “{ $value }” is not an end date. Dates are written like 2025-03-31.
search-dates-swapped = The start date is after the end date. Swap them and search again.
search-bad-sort = “{ $value }” is not a way to sort results. Choose relevance or newest.
search-too-deep = Search results can be paged through up to page { $page }. Add words or filters to narrow the search.
