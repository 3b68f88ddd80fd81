# Words every part of Gazette shares: the language's own name (the edition switcher), dates.

language-name = English

# A date as the date line prints it: "29 Apr, 2024". $month is the month's number.
date-long = { $day } { $month ->
        [1] Jan
        [2] Feb
        [3] Mar
        [4] Apr
        [5] May
        [6] Jun
        [7] Jul
        [8] Aug
        [9] Sep
        [10] Oct
        [11] Nov
       *[12] Dec
    }, { $year }
