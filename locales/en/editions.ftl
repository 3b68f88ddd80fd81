# The editions: the switcher between a page's languages.

edition-switcher-label = Read in
