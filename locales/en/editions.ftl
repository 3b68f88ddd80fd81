# The editions: the switcher between a page's languages.

edition-switcher-label = Read in

# A site setting worded for another edition, on the newsroom's settings page: "Tagline (Українська)".
edition-setting = { $label } ({ $language })
