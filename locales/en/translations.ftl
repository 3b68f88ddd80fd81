# Translations of articles and the names of sections and tags in other editions (the newsroom's
# Translations panel, the article list, the Sections and Tags pages). Every id starts with tr-.

# A language's name in running text. $code is its ISO 639 code, $name its own name (for a
# language this file does not list).

tr-language = { $code ->
        [en] English
        [uk] Ukrainian
        [de] German
        [fr] French
        [pl] Polish
        [ru] Russian
        [crh] Crimean Tatar
       *[other] { $name }
    }

## The Translations panel in the editor

tr-panel-title = Translations
tr-none = This story has no other languages yet.
tr-original = Original
tr-out-of-date = Out of date
tr-out-of-date-title = The original changed after this translation was last saved.
tr-this-out-of-date = This translation is out of date: the original changed after it was last saved. Compare it with the original.
tr-original-heading = The original, in { $code ->
        [en] English
        [uk] Ukrainian
        [de] German
        [fr] French
        [pl] Polish
        [ru] Russian
        [crh] Crimean Tatar
       *[other] { $name }
    }
tr-original-open = Open the original in the editor
tr-original-hidden = The original is a colleague's unpublished article; only its writers and editors can read it.
tr-translate-into = Translate into { $code ->
        [en] English
        [uk] Ukrainian
        [de] German
        [fr] French
        [pl] Polish
        [ru] Russian
        [crh] Crimean Tatar
       *[other] { $name }
    }
tr-translate-hint = A translation starts as a draft with the original's text to translate, and its section, tags, bylines and picture.

## Refusals

tr-exists = This story already has a version in { $code ->
        [en] English
        [uk] Ukrainian
        [de] German
        [fr] French
        [pl] Polish
        [ru] Russian
        [crh] Crimean Tatar
       *[other] { $name }
    }: open it from the Translations panel.
tr-no-edition = The site has no { $code } edition to translate into.
tr-no-language = Choose the language to translate into.

## The article list

tr-list-languages = Other languages of this story
tr-list-original = original
tr-list-translation = translation
tr-list-stale = out of date

## Names of sections and tags in other editions

tr-names-edition = { $code ->
        [en] English
        [uk] Ukrainian
        [de] German
        [fr] French
        [pl] Polish
        [ru] Russian
        [crh] Crimean Tatar
       *[other] { $name }
    } edition
tr-names-name = Name in { $code ->
        [en] English
        [uk] Ukrainian
        [de] German
        [fr] French
        [pl] Polish
        [ru] Russian
        [crh] Crimean Tatar
       *[other] { $name }
    }
tr-names-address = Address in the { $code ->
        [en] English
        [uk] Ukrainian
        [de] German
        [fr] French
        [pl] Polish
        [ru] Russian
        [crh] Crimean Tatar
       *[other] { $name }
    } edition
tr-names-description = Description in { $code ->
        [en] English
        [uk] Ukrainian
        [de] German
        [fr] French
        [pl] Polish
        [ru] Russian
        [crh] Crimean Tatar
       *[other] { $name }
    }
tr-names-save = Save
tr-names-remove = Remove
tr-names-unset = Not named yet: readers of this edition see the default name.
tr-names-no-name = Give the name in { $code ->
        [en] English
        [uk] Ukrainian
        [de] German
        [fr] French
        [pl] Polish
        [ru] Russian
        [crh] Crimean Tatar
       *[other] { $name }
    }.
tr-names-bad-address = The address may hold only lowercase Latin letters, digits and single hyphens, like “viina”.
tr-names-reserved = The site itself answers at /{ $slug }. Choose another address.
tr-names-section-taken = Another section already has the address “{ $slug }”. Choose another.
tr-names-tag-taken = Another tag already has the address “{ $slug }”. Choose another.
