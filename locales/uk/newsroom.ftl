# Слова редакції (crates/gazette-web/newsroom/templates та її обробники). Кожен ідентифікатор
# починається з nr-. Мову кожен обирає для себе на сторінці «Ваш обліковий запис».

nr-brand = Редакція
nr-save = Зберегти
nr-none = Немає.
nr-pages = Сторінки
nr-page-previous = Попередня
nr-page-next = Наступна
nr-page-of = Сторінка { $page } з { $pages }
nr-view-on-site = Переглянути на сайті
nr-saved = Збережено.

## Стани статей, ролі, дії, види приміток

nr-status-draft = Чернетка
nr-status-in_review = На перевірці
nr-status-scheduled = Заплановано
nr-status-published = Опубліковано
nr-status-unpublished = Знято з публікації
nr-role-contributor = Дописувач
nr-role-author = Автор
nr-role-editor = Редактор
nr-role-admin = Адміністратор
nr-action-submit = Надіслати на перевірку
nr-action-publish = Опублікувати зараз
nr-action-schedule = Запланувати
nr-action-takedown = Призначити час зняття
nr-action-unpublish = Зняти з публікації
nr-action-draft = Повернути в чернетки
nr-correction-correction = Виправлення
nr-correction-update = Оновлення

## Верхня панель

nr-nav-articles = Статті
nr-nav-new-article = Нова стаття
nr-nav-media = Медіатека
nr-nav-sections = Рубрики
nr-nav-tags = Теги
nr-nav-synonyms = Синоніми
nr-nav-breaking = Термінові новини
nr-nav-people = Люди
nr-nav-settings = Налаштування
nr-nav-telegram = Telegram
nr-nav-webhooks = Вебхуки
nr-nav-api-keys = Ключі API
nr-nav-audit = Журнал дій
nr-nav-public-site = Сайт
nr-sign-out = Вийти

## Вхід

nr-login-title = Вхід
nr-login-heading = Вхід до редакції
nr-login-email = Електронна пошта
nr-login-password = Пароль
nr-login-submit = Увійти
nr-login-no-account = Немає облікового запису? Його створює адміністратор
nr-login-signed-out = Ви вийшли з системи.
nr-login-expired = Форма входу застаріла. Спробуйте ще раз.
nr-login-refused = Ця адреса й пароль не відповідають жодному чинному обліковому запису.
nr-code-heading = Код для входу
nr-code-sign-in-again = Увійти знову
nr-code-label = Шестизначний код із застосунку-автентифікатора
nr-code-lost-phone = Загубили телефон? Введіть натомість один із резервних кодів (кожен діє один раз). Резервних кодів не лишилося? Адміністратор може вимкнути вам двофакторний вхід.

## Ваш обліковий запис

nr-account-title = Ваш обліковий запис
nr-account-two-factor = Двофакторний вхід
nr-account-two-factor-on = Увімкнено: ви входите з паролем і кодом із телефона.
nr-account-two-factor-off = Вимкнено.
nr-account-two-factor-manage = Керувати двофакторним входом
nr-account-two-factor-set-up = Налаштувати двофакторний вхід
nr-account-api-tokens = Токени API
nr-account-api-tokens-hint = Програми, що пишуть чи публікують від вашого імені (синхронізація з CMS, скрипт), користуються вашим токеном — лише з тими правами, які ви йому дали.
nr-account-api-tokens-manage = Керувати токенами API
nr-account-language = Мова інтерфейсу
nr-account-language-label = Мова, якою редакція з вами розмовляє
nr-account-language-save = Зберегти мову
nr-account-language-saved = Мову інтерфейсу збережено.
nr-account-language-unknown = Оберіть одну з мов у списку.
nr-account-password = Зміна пароля
nr-account-current-password = Поточний пароль
nr-account-new-password = Новий пароль (щонайменше 10 символів)
nr-account-repeat-password = Новий пароль ще раз
nr-account-password-submit = Змінити пароль
nr-account-password-changed = Пароль змінено. В інших браузерах ви вийшли з системи.
nr-account-current-password-wrong = Поточний пароль неправильний.
nr-account-passwords-differ = Новий пароль і його повтор не збігаються.
nr-account-sign-out-everywhere = Вийти на всіх пристроях
nr-account-sign-out-everywhere-hint = Завершує ваші сеанси в усіх браузерах, і в цьому теж. Скористайтеся цим, якщо входили з чужого чи загубленого пристрою.

## Список статей

nr-articles-title = Статті
nr-articles-status = Стан
nr-articles-any = Будь-який
nr-articles-section = Рубрика
nr-articles-author = Автор
nr-articles-language = Мова
nr-articles-text = Текст
nr-articles-sort = Порядок
nr-articles-last-saved = Останнє збереження
nr-articles-published = Опубліковано
nr-articles-headline = Заголовок
nr-articles-filter = Показати
nr-articles-count = { $count ->
        [one] { $count } стаття
        [few] { $count } статті
       *[many] { $count } статей
    }
nr-articles-bylines = Автори
nr-articles-none = Немає статей, що відповідають фільтру.
nr-articles-welcome = З поверненням.

## Редактор

nr-editor-edit = Редагування статті
nr-editor-edit-title = Редагування: { $headline }
nr-editor-revisions = Редакції
nr-editor-live-blog = Онлайн-трансляція
nr-editor-also-editing = Зараз також редагують:
nr-editor-opened = { $name } (відкрито { $seen })
nr-editor-both-save = Якщо ви обоє збережете, друге збереження буде відхилено, а не записано поверх першого.
nr-editor-standfirst = Лід
nr-editor-body = Текст (Markdown)
nr-editor-bold = Жирний
nr-editor-italic = Курсив
nr-editor-quote = Цитата
nr-editor-heading = Підзаголовок
nr-editor-hint-quotes = Цитата починається з
nr-editor-hint-pull = винесена цитата — з
nr-editor-hint-headings = Підзаголовки починаються з
nr-editor-tags = Теги
nr-editor-tags-hint = через кому; нові буде створено
nr-editor-address-seo = Адреса й пошукові системи
nr-editor-slug = Адреса (slug)
nr-editor-slug-hint = старі адреси й далі переспрямовують сюди
nr-editor-seo-title = Заголовок для пошуковиків
nr-editor-seo-description = Опис для пошуковиків
nr-editor-preview = Попередній перегляд
nr-editor-shortcuts = Клавіатурні скорочення
nr-editor-on-a-mac = на Mac
nr-editor-refresh-preview = Оновити попередній перегляд
nr-editor-publish-shortcut = Опублікувати зараз (спершу запитає; збережіть зміни заздалегідь)
nr-editor-preview-hint = Натисніть «Попередній перегляд», щоб побачити текст так, як його побачать читачі.
nr-editor-workflow = Робочий процес
nr-editor-publication-time = час публікації
nr-editor-updated = оновлено
nr-editor-embargoed-until = ембарго до
nr-editor-takedown = зняття
nr-editor-publish-at = Опублікувати о (UTC, для планування)
nr-editor-embargo-until = Ембарго: не раніше (UTC)
nr-editor-takedown-at = Зняти о (UTC)
nr-editor-takedown-editor-only = Час зняття може змінити лише редактор
nr-editor-scheduled-takedown = Заплановане зняття (UTC)
nr-editor-set-takedown = Призначити зняття
nr-editor-home-page = Головна сторінка
nr-editor-pinned-since = Закріплено вгорі головної сторінки з { $since }.
nr-editor-pin-hint = Закріплені матеріали відкривають головну сторінку, найновіші першими, доки їх не відкріплять.
nr-editor-unpin = Відкріпити від головної
nr-editor-pin = Закріпити на головній
nr-editor-corrections = Виправлення й оновлення
nr-editor-correction-kind = Вид
nr-editor-correction-option = Виправлення (потрапляє на сторінку виправлень)
nr-editor-note = Примітка для читачів
nr-editor-add-note = Додати примітку
nr-optional = необов'язково
nr-edit = Редагувати
nr-delete = Видалити

## Медіатека

nr-media-title = Медіатека
nr-media-file = Зображення (JPEG, PNG, WebP чи GIF; до { $mb } МБ і { $megapixels } мегапікселів)
nr-media-drop-hint = Або перетягніть файл на цю рамку. Геодані й дані камери вилучаються з кожної збереженої копії.
nr-media-alt-long = Альтернативний текст (що зображено — для читачів, які не бачать світлини)
nr-media-alt = Альтернативний текст
nr-media-caption = Підпис
nr-media-credit = Автор знімка
nr-media-credit-placeholder = Фото: …
nr-media-upload = Завантажити
nr-media-not-configured = На цьому сайті не налаштовано сховища для медіафайлів.
nr-media-library = Бібліотека ({ $total })
nr-media-files = { $count ->
        [one] { $count } файл
        [few] { $count } файли
       *[many] { $count } файлів
    }
nr-media-no-alt = немає альтернативного тексту
nr-media-markdown = Markdown для тексту статті:
nr-media-none = Зображень ще немає.
nr-media-newer = Новіші
nr-media-older = Старіші
nr-featured-title = Головне зображення
nr-featured-no-alt = Альтернативного тексту ще немає
nr-featured-body-hint = Щоб вставити зображення в текст, скопіюйте його Markdown із медіатеки
nr-featured-library = медіатека
nr-featured-image = Зображення
nr-featured-none = Без зображення
nr-featured-set = Зробити головним зображенням
nr-featured-upload-new = Або завантажте нове (чи перетягніть його сюди)
nr-featured-upload = Завантажити й зробити головним
nr-featured-every-image = Усі зображення є в медіатеці
nr-featured-alt-required = Перед публікацією потрібен альтернативний текст.

## Онлайн-трансляції

nr-live-title = Наживо: { $headline }
nr-live-live = Наживо
nr-live-ended = Трансляцію завершено
nr-live-edit-article = Редагувати статтю
nr-live-coverage = Онлайн-трансляція
nr-live-not-a-blog = Ця стаття не є онлайн-трансляцією. Трансляція показує вгорі лід і короткий виклад статті, а під ними — записи з часом, найновіші першими; вони з'являються на відкритих у читачів сторінках за секунду.
nr-live-make = Зробити онлайн-трансляцію
nr-live-who-can-make = Це може зробити редактор або автор статті.
nr-live-new-entry = Новий запис
nr-live-editor-publishes = його опублікує редактор
nr-live-entry = Запис
nr-live-ctrl-enter = — опублікувати.
nr-live-photo = Світлина
nr-live-photo-alt = Опис світлини
nr-live-photo-alt-hint = альтернативний текст, обов'язковий для світлини
nr-live-key-event = Ключова подія
nr-live-post-for-approval = Надіслати на схвалення
nr-live-post = Опублікувати
nr-live-save-draft = Зберегти чернетку
nr-live-has-ended = Трансляцію завершено: нові записи до читачів не потрапляють.
nr-live-resume-below = Відновіть трансляцію нижче, щоб публікувати знову.
nr-live-who-can-resume = Відновити її може редактор або автор статті.
nr-live-your-drafts = Ваші чернетки ({ $n })
nr-live-waiting = Чекають на редактора ({ $n })
nr-live-published = Опубліковані записи
nr-live-nothing-published = Ще нічого не опубліковано.
nr-live-entry-pages = Сторінки записів
nr-live-newer = Новіші записи
nr-live-older = Старіші записи
nr-live-coverage-short = Трансляція
nr-live-since = Наживо з { $since }.
nr-live-started-ended = Почато { $started }; завершено { $ended }.
nr-live-end = Завершити трансляцію
nr-live-resume = Відновити трансляцію
nr-live-stop-confirm = Знову зробити це звичайною статтею? Записи збережуться, але їх більше не буде видно.
nr-live-stop = Зробити звичайною статтею
nr-live-pinned = Закріплено
nr-live-edited = Змінено { $at }
nr-live-revisions = редакції
nr-live-unpin = Відкріпити
nr-live-pin = Закріпити
nr-live-unkey = Не ключова подія
nr-live-mark-key = Позначити як ключову подію
nr-live-delete-confirm = Видалити цей запис? Він одразу зникне з відкритих у читачів сторінок.
nr-live-link = Посилання на запис
nr-live-edit-entry = Редагування запису
nr-live-back = Назад до трансляції
nr-live-save-entry = Зберегти запис
nr-live-save-hint = Після збереження опублікований запис читачі бачитимуть позначеним як змінений; попередній текст лишиться нижче.
nr-live-cannot-change = Цей запис ви вже не можете змінити. Зверніться до редактора.
nr-live-earlier = Попередні версії
nr-live-until = До { $at }
nr-live-changed-by = автор зміни — { $name }
nr-live-not-changed = Цей запис не змінювали.

## Редакції та зміни

nr-rev-from = Від
nr-rev-to = До
nr-rev-saved = Збережено
nr-rev-by = Хто
nr-rev-what = Що
nr-rev-words = Слів
nr-rev-compare-from = Порівняти від редакції { $n }
nr-rev-compare-to = Порівняти до редакції { $n }
nr-rev-restore = Відновити
nr-rev-current = поточна
nr-rev-compare = Порівняти
nr-diff-title = Зміни
nr-diff-revisions-of = Редакції статті «{ $headline }»
nr-diff-from-to = Від редакції { $from } ({ $from_at }, { $from_by }) до редакції { $to } ({ $to_at }, { $to_by }).
nr-diff-removed = Вилучені слова
nr-diff-added = додані слова
nr-diff-unchanged = без змін
nr-error-back = Назад до редакції

## Спільні слова адміністративних сторінок

nr-name = Назва
nr-person = Людина
nr-address = Адреса
nr-add = Додати
nr-create = Створити
nr-or = або
nr-never = ніколи
nr-last-used = Останнє використання
nr-revoke = Відкликати
nr-revoked = Відкликано { $at }

## Двофакторний вхід

nr-2fa-your-codes = Ваші резервні коди
nr-2fa-write-down = Запишіть або роздрукуйте їх зараз і зберігайте окремо від телефона:
nr-2fa-shown-once = їх показано лише цей один раз
nr-2fa-each-once = Кожен код один раз замінює код із застосунку під час входу.
nr-2fa-is-on = Двофакторний вхід увімкнено
nr-2fa-since = з { $since }
nr-2fa-on-hint = Після пароля ви вводите код, який показує застосунок-автентифікатор.
nr-2fa-codes-left = Залишилося резервних кодів:
nr-2fa-make-more = створіть нові нижче, поки вони не скінчилися.
nr-2fa-new-codes = Нові резервні коди
nr-2fa-new-codes-hint = Створює новий набір; старі коди перестають діяти.
nr-2fa-your-password = Ваш пароль
nr-2fa-make-codes = Створити нові резервні коди
nr-2fa-turn-off-title = Вимкнення двофакторного входу
nr-2fa-required-hint = У цій редакції двофакторний вхід обов'язковий: вимкнувши його, ви мусите налаштувати його знову (наприклад, на новому телефоні), перш ніж продовжити роботу.
nr-2fa-turn-off = Вимкнути
nr-2fa-being-set-up = Двофакторний вхід налаштовується.
nr-2fa-not-on-until = Він не запрацює, доки ви не введете код нижче.
nr-2fa-step-app = Відкрийте на телефоні застосунок-автентифікатор (будь-який для кодів «TOTP»: Aegis, Google Authenticator, 1Password, Authy…).
nr-2fa-step-scan = Відскануйте ним цей код:
nr-2fa-step-key = або введіть у нього цей ключ (за часом, 6 цифр, 30 секунд):
nr-2fa-setup-address = Адреса для налаштування
nr-2fa-step-code = Введіть код, який зараз показує застосунок:
nr-2fa-code = Шестизначний код
nr-2fa-turn-on = Увімкнути двофакторний вхід
nr-2fa-cancel-password = Ваш пароль, щоб скасувати налаштування
nr-2fa-cancel = Скасувати налаштування
nr-2fa-is-off = Двофакторний вхід вимкнено.
nr-2fa-off-hint = Коли його ввімкнено, для входу потрібні пароль і код із застосунку на телефоні, тож самого викраденого пароля не досить.

## Токени й ключі API

nr-tokens-hint = Токен дає програмі змогу працювати з Admin API від вашого імені: вона ніколи не зробить більше, ніж дозволяє ваша роль, а все, що вона змінить, записується в журнал дій під назвою токена
nr-tokens-send-as = Надсилайте його як
nr-tokens-new = Ваш новий токен «{ $name }».
nr-tokens-copy-now = Скопіюйте його зараз: його показано лише цей раз, а зберігається тільки його відбиток.
nr-tokens-the-new = Новий токен
nr-tokens-starts = Початок
nr-tokens-scopes = Права
nr-tokens-expires = Діє до
nr-tokens-used-from = { $at } з { $address }
nr-tokens-expired = Термін минув
nr-tokens-none = Токенів ще немає.
nr-tokens-new-title = Новий токен
nr-tokens-name-placeholder = Синхронізація з CMS
nr-tokens-expires-after = Термін дії:
nr-tokens-days = днів
nr-tokens-at-most = щонайбільше { $n }
nr-tokens-make = Створити токен
nr-keys-title = Ключі Content API
nr-keys-hint-api = Content API
nr-keys-reference = довідник
nr-keys-hint = відповідає всім: ключ не обов'язковий. Видайте окремий ключ кожному сайту-партнерові чи застосунку, щоб їхні запити рахувалися тут і мали власне обмеження частоти. Відкликаний ключ одразу перестає діяти. Лічильники оновлюються приблизно щосекунди.
nr-keys-the-key-for = Ключ для
nr-keys-copy-now = Скопіюйте його зараз: більше його не покажуть, а зберігається тільки його відбиток.
nr-keys-starts = Початок ключа
nr-keys-rate = Запитів за хвилину
nr-keys-requests = Запити
nr-keys-made = Створено
nr-keys-none = Ключів ще немає.
nr-keys-new = Новий ключ
nr-keys-partner = Сайт-партнер
nr-keys-who = Хто ним користуватиметься
nr-keys-make = Створити ключ

## Люди

nr-users-role-byline-access = Роль, підпис, доступ
nr-users-since = з { $at }
nr-users-role = Роль
nr-users-byline = Авторський підпис
nr-users-no-byline = Без підпису
nr-users-new-byline = Новий авторський підпис на це ім'я
nr-users-disabled = Вимкнено
nr-users-two-factor-on = Двофакторний вхід увімкнено
nr-users-two-factor-off = Двофакторний вхід вимкнено
nr-users-two-factor-reset = Вимкнути двофакторний вхід (загублено телефон)
nr-users-new-password-for = Новий пароль для { $name }
nr-users-reset = Скинути
nr-users-add-title = Додати людину
nr-users-password = Пароль (щонайменше 10 символів)

## Рубрики, теги, синоніми

nr-sections-position = Місце в меню
nr-sections-description = Опис
nr-sections-new = Нова рубрика
nr-sections-address-optional = адреса (необов'язково)
nr-tags-hint = Автори створюють теги, коли вписують їх у редакторі. Після перейменування адреса тегу не змінюється.
nr-tags-name-of = Назва тегу
nr-tags-rename = Перейменувати
nr-tags-none = Тегів ще немає.
nr-synonyms-title = Синоніми для пошуку
nr-synonyms-hint = Написання в одній групі пошук вважає одним словом: хто введе будь-яке з них, знайде статті й з рештою. Знадобиться для імен і назв, які транслітерують по-різному. Зміни діють за секунду; нічого не треба переіндексовувати.
nr-synonyms-spellings = Написання
nr-synonyms-none = Синонімів ще немає.
nr-synonyms-new = Нова група
nr-synonyms-label = Написання через кому

## Налаштування, термінові новини, журнал дій

nr-settings-title = Налаштування сайту
nr-settings-save = Зберегти налаштування
nr-settings-require-2fa = Вимагати двофакторний вхід від усіх
nr-settings-require-2fa-hint = Тих, у кого його немає, одразу після входу буде спрямовано його налаштувати, перш ніж вони зможуть робити щось інше.
nr-settings-own-first = Спершу налаштуйте його для власного облікового запису.
nr-breaking-now = Банер зараз
nr-breaking-set-at = Встановлено { $at }.
nr-breaking-disappears = Зникне сам { $at }.
nr-breaking-expired = Термін минув { $at }: читачі його більше не бачать.
nr-breaking-until-cleared = Показується, доки його не приберуть.
nr-breaking-clear = Прибрати банер
nr-breaking-none = Банера немає.
nr-breaking-set = Встановити банер
nr-breaking-hint = Він за секунду з'являється вгорі кожної сторінки сайту, і вже відкритих теж, і замінює поточний банер.
nr-breaking-at-most = щонайбільше { $n } символів
nr-breaking-link = Посилання
nr-breaking-link-hint = необов'язково: шлях на цьому сайті, як-от /war/some-story, або адреса https://
nr-breaking-expires = Прибрати автоматично
nr-breaking-show = Показати банер
nr-audit-action = Дія
nr-audit-action-placeholder = напр., publish
nr-audit-thing = Об'єкт
nr-audit-anyone = Будь-хто
nr-audit-when = Коли
nr-audit-who = Хто
nr-audit-detail = Подробиці
nr-audit-from = Звідки
nr-audit-none = Нічого не записано.

## Telegram і вебхуки

nr-on = Увімкнено
nr-off = Вимкнено
nr-remove = Прибрати
nr-event = Подія
nr-retry = Повторити
nr-nothing-sent = Ще нічого не надіслано.
nr-next-try = наступна спроба { $at }
nr-after-attempts = { $count ->
        [one] після { $count } спроби
       *[other] після { $count } спроб
    }
nr-tg-title = Telegram і сповіщення
nr-tg-bot = Бот
nr-tg-configured = Токен бота налаштовано. Статті, опубліковані в рубриці, за якою стежить канал, з'являються в ньому; редагування статті змінює повідомлення, а зняття з публікації його видаляє.
nr-tg-not-configured = Токен бота не налаштовано, тож нічого не надсилається. Задайте
nr-tg-not-configured-how = на сервері й перезапустіть його; див. docs/telegram.md. Канали можна налаштувати вже зараз.
nr-tg-add-bot = Додайте бота до кожного каналу як адміністратора з правом публікувати, редагувати й видаляти повідомлення.
nr-tg-websub-on = стрічки оголошують { $hub }, і під час публікації йому надсилається сигнал.
nr-tg-off = вимкнено.
nr-tg-indexnow-on = увімкнено: пошукові системи дізнаються про кожну опубліковану статтю.
nr-tg-channels = Канали
nr-tg-chat = Чат
nr-tg-chat-title = Назва
nr-tg-posting = Публікація
nr-tg-images = Зображення
nr-tg-every-section = Усі рубрики
nr-tg-with-images = Із зображеннями
nr-tg-no-channels = Каналів ще немає.
nr-tg-new-channel = Новий канал
nr-tg-chat-placeholder = @канал або -100…
nr-tg-chat-label = Чат: @ім'я каналу або його числовий ідентифікатор
nr-tg-title-optional = Назва (необов'язково)
nr-tg-recent = Останні надсилання
nr-tg-where = Куди
nr-wh-hint = Gazette надсилає кожну обрану вами подію POST-запитом на URL кінцевої точки у форматі JSON, з підписом її секретом
nr-wh-hint-retry = Невдале надсилання повторюється протягом 24 годин. Формат даних і перевірку підпису описано в docs/webhooks.md.
nr-wh-endpoints = Кінцеві точки
nr-wh-events = Події
nr-wh-sending = Надсилання
nr-wh-added = Додано
nr-wh-none = Кінцевих точок ще немає.
nr-wh-new = Нова кінцева точка
nr-wh-description-placeholder = Хто її отримує (необов'язково)
nr-wh-add = Додати кінцеву точку
nr-wh-all = Усі вебхуки
nr-wh-title = Вебхук
nr-wh-is-off = Цю кінцеву точку вимкнено: на неї нічого не надсилається.
nr-wh-switched-off = Gazette вимкнула її, бо { $reason }.
nr-wh-delete = Видалити кінцеву точку
nr-wh-secret = Секрет
nr-wh-secret-hint = Надсилання підписуються цим секретом (HMAC-SHA256). Зберігайте його лише в отримувача.
nr-wh-new-secret = Створити новий секрет
nr-wh-deliveries = Надсилання
nr-wh-response = Відповідь
nr-wh-took = Тривало
nr-wh-attempts = Спроби
nr-wh-event-delivery = подія { $event }, надсилання { $delivery }
nr-wh-ms = { $ms } мс
nr-wh-redeliver = Надіслати знову

## Повідомлення після збереження в редакторі

nr-notice-created = Чернетку створено.
nr-notice-saved = Збережено.
nr-notice-submit = Надіслано на перевірку.
nr-notice-publish = Опубліковано.
nr-notice-schedule = Заплановано.
nr-notice-unpublish = Знято з публікації: читачі тепер бачать позначку «вилучено».
nr-notice-draft = Повернуто в чернетки.
nr-notice-takedown = Час зняття збережено.
nr-notice-corrected = Примітку додано; читачі побачать її в кінці статті.
nr-notice-restored = Редакцію відновлено як нове збереження.
nr-media-uploaded = Зображення завантажено. Додайте альтернативний текст, перш ніж публікувати статтю з ним.

## Записи трансляцій і повідомлення

nr-entry-draft = Чернетка
nr-entry-pending = Чекає на редактора
nr-entry-published = Опубліковано
nr-entry-deleted = Видалено
nr-entry-send-for-approval = Надіслати на схвалення
nr-entry-publish = Опублікувати
nr-live-notice-start = Тепер ця стаття — онлайн-трансляція. Додайте перший запис.
nr-live-notice-resume = Трансляцію відновлено: нові записи знову з'являються на відкритих сторінках.
nr-live-notice-end = Трансляцію завершено. Читачі бачать її як завершену; відновіть її, щоб публікувати далі.
nr-live-notice-stop = Це знову звичайна стаття. Записи збережуться, якщо вона знову стане трансляцією.
nr-live-notice-saved = Запис збережено.
nr-live-notice-publish = Запис опубліковано.
nr-live-notice-pending = Запис надіслано редакторові на схвалення.
nr-live-notice-delete = Запис видалено; він зникне з відкритих сторінок.
nr-live-notice-pin = Запис закріплено вгорі трансляції.
nr-live-notice-unpin = Запис відкріплено.
nr-live-notice-key = Запис позначено як ключову подію.
nr-live-notice-unkey = Запис більше не ключова подія.

## Повідомлення й відмови інших сторінок

nr-code-expired = Цей вхід чекав на код понад { $minutes } хв або його вже використано. Увійдіть знову.
nr-code-form-expired = Форма застаріла. Введіть код ще раз.
nr-code-wrong = Код неправильний. Введіть 6 цифр, які застосунок показує зараз (вони змінюються щопівхвилини), або один із резервних кодів.
nr-2fa-notice-required = У цій редакції двофакторний вхід обов'язковий. Налаштуйте його тут, щоб працювати далі.
nr-2fa-notice-off = Двофакторний вхід вимкнено. Ви входите лише з паролем.
nr-2fa-notice-off-required = Двофакторний вхід вимкнено, але в цій редакції він обов'язковий: налаштуйте його знову (скажімо, на новому телефоні), щоб працювати далі.
nr-users-notice-created = Обліковий запис створено. Передайте пароль особисто або телефоном.
nr-users-notice-password = Пароль скинуто; на всіх пристроях сеанси завершено.
nr-users-notice-signed-out = Сеанси на всіх пристроях завершено.
nr-users-notice-two-factor-reset = Двофакторний вхід вимкнено; тепер вхід лише з паролем, а налаштувати його можна знову.
nr-settings-saved = Налаштування збережено; публічний сайт уже їх показує.
nr-sections-notice-created = Рубрику створено.
nr-tags-notice-renamed = Тег перейменовано; його адреса не змінилася.
nr-tags-notice-deleted = Тег видалено й знято з усіх статей.
nr-synonyms-notice-added = Синоніми додано. Пошук знаходитиме кожне написання вже за секунду.
nr-synonyms-notice-deleted = Групу синонімів видалено.
nr-breaking-never = Ніколи: доки його не приберуть
nr-breaking-30-minutes = Через 30 хвилин
nr-breaking-1-hour = Через 1 годину
nr-breaking-3-hours = Через 3 години
nr-breaking-12-hours = Через 12 годин
nr-breaking-notice-set = Банер показується на кожній сторінці сайту.
nr-breaking-notice-clear = Банер прибрано з усіх сторінок сайту.
nr-diff-body = Текст
nr-diff-slug = Адреса (slug)
nr-keys-notice-revoked = Ключ відкликано. Запити з ним відтепер відхиляються.
nr-tokens-notice-revoked = Токен відкликано: програмам, що ним користуються, відтепер відмовлено.
nr-delivered = Доставлено
nr-failed = Не вдалося
nr-wh-waiting = Очікує
nr-wh-notice-created = Кінцеву точку додано. Передайте її секрет отримувачеві, щоб він міг перевіряти підпис кожного надсилання.
nr-wh-notice-saved = Кінцеву точку збережено.
nr-wh-notice-deleted = Кінцеву точку видалено разом із журналом надсилань.
nr-wh-notice-secret = Новий секрет створено. Відтепер надсилання підписуються ним: оновіть його в отримувача.
nr-wh-notice-redelivered = Надсилання поставлено в чергу: воно відбудеться за кілька секунд.
nr-tg-waiting = Чекає на повторну спробу
nr-tg-notice-added = Канал додано. Статті, опубліковані відтепер, з'являтимуться в ньому.
nr-tg-notice-saved = Канал збережено.
nr-tg-notice-removed = Канал прибрано: більше нічого там не публікуватиметься, не змінюватиметься й не видалятиметься. Уже опубліковані повідомлення залишаться.
nr-tg-notice-retried = Надсилання знову поставлено в чергу: спроба відбудеться за кілька секунд.

## Відмови редактора

nr-form-no-section = Оберіть рубрику.
nr-form-unknown-section = Такої рубрики немає.
nr-form-no-byline = Оберіть принаймні одного автора.
nr-form-unknown-byline = Обраного автора немає.
nr-form-too-many-tags = У статті може бути щонайбільше { $max } тегів.
nr-form-tag-too-long = Тег може мати щонайбільше { $max } символів.
nr-form-empty-headline = Заголовок не може бути порожнім.
nr-form-headline-too-long = Заголовок може мати щонайбільше { $max } символів.
nr-form-damaged-revision = Номер редакції у формі пошкоджено; перезавантажте редактор.

## Скрипт редактора

nr-js-save-first = Спершу збережіть зміни (Ctrl+S), тоді публікуйте.
nr-js-publish-confirm = Опублікувати цю статтю зараз?
nr-js-autosaved = Автозбережено
nr-js-not-autosaved = Не автозбережено:
nr-js-offline = Не автозбережено: немає з'єднання?
nr-js-uploading = Завантаження
nr-js-image-added = Зображення додано. Перед публікацією впишіть його альтернативний текст між квадратними дужками.
nr-js-upload-failed = Завантажити не вдалося; спробуйте на сторінці медіатеки.

## Права токенів, події вебхуків, налаштування сайту

nr-scope-read-drafts = Читати чернетки й зняті з публікації статті
nr-scope-write-drafts = Створювати, редагувати й надсилати статті на перевірку
nr-scope-publish = Планувати, публікувати, знімати з публікації й виправляти
nr-scope-media = Завантажувати зображення
nr-scope-live = Публікувати записи онлайн-трансляцій
nr-scope-admin = Адміністрування
nr-event-article-published = Статтю опубліковано
nr-event-article-updated = Опубліковану статтю оновлено
nr-event-article-unpublished = Статтю знято з публікації
nr-event-correction-added = Додано виправлення
nr-event-live-entry-posted = Опубліковано запис трансляції
nr-event-breaking-set = Встановлено банер термінових новин
nr-event-breaking-cleared = Банер термінових новин прибрано
nr-setting-site-name = Назва сайту
nr-setting-tagline = Гасло
nr-setting-description = Опис (для пошукових систем)
nr-setting-facebook = Адреса сторінки у Facebook
nr-setting-x = Адреса профілю в X
nr-setting-telegram = Адреса каналу в Telegram
nr-setting-youtube = Адреса каналу на YouTube
nr-setting-instagram = Адреса профілю в Instagram
