# Видання: перемикач мов сторінки.

edition-switcher-label = Читати мовою
