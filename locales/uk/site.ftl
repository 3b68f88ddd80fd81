# Слова публічного сайту: шаблони стандартної теми й заголовки сторінок, які пише Rust.
# Ідентифікатори починаються з частини сторінки. Повідомлення, аргументи яких — HTML (імена в
# підписі з посиланнями, елемент <time>), друкуються без екранування: не пишіть у них розмітку.

## Обрамлення кожної сторінки (base.html)

# Значення og:locale.
og-locale = uk_UA
nav-skip = Перейти до основного вмісту
nav-sections = Розділи
search-quick = Швидкий пошук
search-field-label = Пошук статей
search-placeholder = Пошук в архіві
search-button = Шукати
breaking-region = Термінові новини
breaking-label = Терміново
footer-nav = Навігація внизу сторінки
footer-sections = Розділи
footer-newspaper = Про видання
footer-follow-us = Стежте за нами
footer-rights = © { $year } { $site }. Усі права захищено.

## Навігаційний ланцюжок і номери сторінок

breadcrumb-label = Навігаційний ланцюжок
breadcrumb-home = Головна
pagination-label = Сторінки
pagination-previous = Попередня
pagination-previous-page = Попередня сторінка
pagination-next = Наступна
pagination-next-page = Наступна сторінка
# Доступна назва посилання з номером сторінки.
pagination-page = Сторінка { $page }
pagination-status = Сторінка { $page } з { $pages }
# Заголовок сторінки списку після першої: «Війна (сторінка 2)».
list-page-n = { $title } (сторінка { $page })

## Картки й підписи

# «Автор: Олена Марченко», «Автори: Олена Марченко і Редакція», «Автори: А, Б і В». $count — кількість
# авторів, $others — усі імена, крім останнього, через кому, $last — останнє ім’я.
byline = { $count ->
        [1] Автор: { $last }
       *[other] Автори: { $others } і { $last }
    }

## Головна сторінка (home.html)

home-brand-suffix = — останні новини
home-top-stories = Головне
home-more-in = Більше в розділі «{ $section }»
home-aside = Останні новини й найчитаніше
home-latest = Останні новини
home-most-read = Найчитаніше
home-empty-title = Ще нічого не опубліковано
home-empty-text = Перші матеріали редакції з’являться тут зовсім скоро.

## Сторінка статті (article.html)

# «Оновлено 31 березня 2025»; $date — дата як елемент <time>.
article-updated = Оновлено { $date }
# Екранні читачі читають це після кількості переглядів: «194 перегляди».
article-views-unit = { $count ->
        [one] перегляд
        [few] перегляди
       *[many] переглядів
    }
article-topics = Теми
share-title = Поділитися статтею
share-email = Ел. пошта
article-about-authors = { $count ->
        [1] Про автора
       *[other] Про авторів
    }
author-more = Більше статей
author-more-by = Більше статей: { $name }
article-top = Найпопулярніше
article-related = Ще з розділу «{ $section }»
# Назва стрічок онлайн-трансляції.
article-live-feed = { $headline } (пряма трансляція)

## Виправлення (article.html, corrections.html)

corrections-notes-title = Виправлення й уточнення
corrections-kind-correction = Виправлення
corrections-kind-update = Уточнення
corrections-all = Усі виправлення
corrections-title = Виправлення
corrections-description = Усі виправлення, які ми внесли в опубліковані статті, від найновіших.
corrections-intro = Коли ми помиляємося, ми виправляємо помилку й повідомляємо про це наприкінці статті. Тут зібрано всі наші виправлення, від найновіших до найдавніших.
corrections-none = Виправлень поки не було.
corrections-newer = Новіші
corrections-older = Давніші

## Онлайн-трансляції (article.html, partials/entry.html)

live-coverage-live = Наживо
live-coverage-ended = Трансляцію завершено
live-key-events = Ключові події
live-updates = { $count ->
        [one] { $count } оновлення
        [few] { $count } оновлення
       *[many] { $count } оновлень
    }
live-kyiv-time = Час київський.
live-following = Свіжі оновлення з’являтимуться тут одразу після публікації.
# $date — дата як елемент <time>.
live-ended = Трансляцію завершено { $date }.
live-empty = Оновлень поки немає.
live-pages = Сторінки оновлень
live-newer = Новіші оновлення
live-older = Давніші оновлення
# Кнопка над записами, що надійшли, поки читач гортав сторінку. Число на місце «#» підставляє
# скрипт сторінки; $count лише обирає форму.
live-new-updates = { $count ->
        [one] # нове оновлення
        [few] # нові оновлення
       *[many] # нових оновлень
    }
entry-at = Оновлення о { $time }
entry-pinned = Закріплено
entry-key-event = Ключова подія
# $date — дата як елемент <time>.
entry-edited = Відредаговано { $date }

## Сторінки розділів, тем і авторів (list.html)

list-kicker-section = Розділ
list-kicker-tag = Тема
list-kicker-author = Автор
list-tag-description = Новини й аналітика на тему «{ $tag }».
list-author-description = { $name }: усі публікації.
list-empty-title = Тут поки немає статей.
list-empty-text = Нові матеріали з’являться тут одразу після публікації.
# $link — list-empty-front-link із посиланням на головну.
list-empty-meanwhile = А поки що { $link }.
list-empty-front-link = читайте останні новини на головній сторінці

## Пошук (search.html)

search-title = Пошук
search-title-query = Пошук: { $query }
search-description = Пошук в архіві.
search-filters = Фільтри й порядок
search-section = Розділ
search-all-sections = Усі розділи
search-author = Автор
search-all-authors = Усі автори
search-language = Мова
search-all-languages = Усі мови
search-from = Від
search-to = До
search-order = Порядок
search-best-match = За відповідністю
search-newest = Спершу новіші
search-results = { $count ->
        [one] { $count } результат за запитом «{ $query }»
        [few] { $count } результати за запитом «{ $query }»
       *[many] { $count } результатів за запитом «{ $query }»
    }
# Коли індекс перестав рахувати: «Понад 1 000 результатів».
search-results-more = { $count ->
        [one] Понад { $count } результат за запитом «{ $query }»
        [few] Понад { $count } результати за запитом «{ $query }»
       *[many] Понад { $count } результатів за запитом «{ $query }»
    }
search-date-order = Поки будується пошуковий індекс, результати впорядковано за датою, від найновіших.
search-nothing = За запитом «{ $query }» нічого не знайдено.
search-nothing-filtered = За запитом «{ $query }» із цими фільтрами нічого не знайдено.
# $link — search-unfiltered-link із посиланням на той самий пошук без фільтрів.
search-unfiltered = { $link }: за всіма розділами, авторами, мовами й датами.
search-unfiltered-link = Шукайте без фільтрів
search-tip-words = Спробуйте менше слів або загальніші: у статті мають бути всі слова запиту.
search-tip-spelling = Перевірте написання імен і назв. Варіанти на кшталт Kyiv і Kiev чи Zelenskyy і Zelensky знаходяться однаково.
search-tip-browse = Або перегляньте розділи в меню вгорі.
search-empty-title = Що ви шукаєте?
search-empty-text = Введіть у поле пошуку слово, назву місця чи ім’я, і ми знайдемо статті українською та англійською.

## Сторінки помилок (error.html)

error-label = Помилка
error-front = Перейти на головну сторінку
error-search = Або пошукайте серед наших статей
error-bad-request-title = Не вдалося виконати запит
error-forbidden-title = Доступ заборонено
error-conflict-title = Хтось уже вніс зміни
error-not-found-title = Сторінку не знайдено
error-not-found-message = Ми не знайшли цієї сторінки. Можливо, її перенесли або в адресі помилка. Скористайтеся пошуком нижче або почніть із головної сторінки.
error-gone-title = Цю статтю знято з публікації
error-gone-message = Редакція зняла цю статтю з публікації. Коли й чому ми так робимо, пояснює наша політика виправлень.
error-too-many-title = Забагато спроб
error-too-large-title = Форма завелика
error-unavailable-title = Тимчасово недоступно
error-unavailable-message = Не вдається зв’язатися з нашим архівом. Спробуйте ще раз за хвилину.
error-busy-title = Сервер перевантажено
error-internal-title = Щось пішло не так
error-internal-message = На нашому боці сталася помилка. Ми її зафіксували, спробуйте ще раз.
error-sign-in-title = Увійдіть

## Відмови пошуку (сторінка 400): $value — те, що надіслав читач

search-bad-section = Розділу «{ $value }» немає.
search-bad-author = Автора «{ $value }» немає.
search-bad-language = «{ $value }» — не мова цього сайту. Виберіть мову зі списку «Мова».
search-bad-start-date = «{ $value }» — не дата початку. Дату пишуть так: 2025-03-31.
search-bad-end-date = «{ $value }» — не дата кінця. Дату пишуть так: 2025-03-31.
search-dates-swapped = Дата початку пізніша за дату кінця. Поміняйте їх місцями й пошукайте ще раз.
search-bad-sort = «{ $value }» — не спосіб упорядкувати результати. Виберіть relevance або newest.
search-too-deep = Результати пошуку можна гортати лише до сторінки { $page }. Додайте слова або фільтри, щоб звузити пошук.
