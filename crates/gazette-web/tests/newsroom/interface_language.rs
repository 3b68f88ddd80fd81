//! The interface language: each person reads the newsroom in the language they chose on "Your
//! account", whoever else is signed in at the same time; the sign-in page, before anyone is known,
//! follows the browser's `Accept-Language`.

use super::*;

#[tokio::test]
async fn a_person_who_chose_ukrainian_works_in_ukrainian_while_a_colleague_keeps_english() {
    let app = TestApp::init().await;
    let olena = app.signed_in("olena@news.test", Role::Author).await;
    let taras = app.signed_in("taras@news.test", Role::Editor).await;
    let id = draft(&app, &olena, "Air defence over Kharkiv").await;

    let account = app.get_as(&olena, "/newsroom/account").await;
    assert_eq!(
        account.texts("select[name=ui_language] option"),
        ["English", "Українська"],
        "each language by its own name"
    );
    let chosen = app
        .post_as(
            &olena,
            "/newsroom/account/language",
            &[("ui_language", "uk")],
        )
        .await;
    assert_eq!(chosen.status, 303, "{}", chosen.body);
    let account = app.get_as(&olena, chosen.header("location")).await;
    assert_eq!(account.text("h1"), "Ваш обліковий запис");
    assert_eq!(account.text(".notice"), "Мову інтерфейсу збережено.");
    assert_eq!(account.attrs("html", "lang"), ["uk"]);
    assert_eq!(
        account.attrs("select[name=ui_language] option[selected]", "value"),
        ["uk"]
    );

    let list = app.get_as(&olena, "/newsroom?status=draft").await;
    assert_eq!(list.status, 200);
    assert_eq!(list.text("h1"), "Статті");
    assert_eq!(list.text(".role"), "Автор");
    assert_eq!(
        list.texts("select[name=status] option"),
        [
            "Будь-який",
            "Чернетка",
            "На перевірці",
            "Заплановано",
            "Опубліковано",
            "Знято з публікації"
        ]
    );
    assert_eq!(list.text(".count"), "1 стаття");
    assert_eq!(list.text(".article-row .status"), "Чернетка");

    let editor = app
        .get_as(&olena, &format!("/newsroom/articles/{id}"))
        .await;
    assert_eq!(editor.status, 200);
    assert_eq!(editor.text("button[value=save]"), "Зберегти");
    assert_eq!(editor.text("label[for=headline]"), "Заголовок");
    assert_eq!(editor.text(".head .status"), "Чернетка");
    assert!(
        editor
            .texts("button[name=action]")
            .contains(&"Надіслати на перевірку".to_owned()),
        "{:?}",
        editor.texts("button[name=action]")
    );
    assert!(
        editor
            .text("title")
            .starts_with("Редагування: Air defence over Kharkiv")
    );
    let saved = app
        .get_as(&olena, &format!("/newsroom/articles/{id}?notice=saved"))
        .await;
    assert_eq!(saved.text(".notice"), "Збережено.");

    // What the form refuses is said in her language too, and her text is kept.
    let war = app.war.to_string();
    let byline = olena.user.author_id.unwrap().to_string();
    let refused = app
        .post_as(
            &olena,
            "/newsroom/articles",
            &[
                ("headline", "  "),
                ("body", "Текст, який не має зникнути."),
                ("section", war.as_str()),
                ("language", "uk"),
                ("author", byline.as_str()),
                ("intent", "save"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(refused.text(".error"), "Заголовок не може бути порожнім.");
    assert_eq!(refused.text("#body"), "Текст, який не має зникнути.");

    // Her colleague, signed in at the same time, still works in English.
    let list = app.get_as(&taras, "/newsroom?status=draft").await;
    assert_eq!(list.text("h1"), "Articles");
    assert_eq!(list.attrs("html", "lang"), ["en"]);
    assert_eq!(list.text(".count"), "1 article");
    assert_eq!(list.text(".article-row .status"), "Draft");
    let editor = app
        .get_as(&taras, &format!("/newsroom/articles/{id}"))
        .await;
    assert_eq!(editor.text("button[value=save]"), "Save");
    assert_eq!(editor.text(".head .status"), "Draft");

    // And back: the choice is hers to undo.
    let back = app
        .post_as(
            &olena,
            "/newsroom/account/language",
            &[("ui_language", "en")],
        )
        .await;
    assert_eq!(back.status, 303);
    let list = app.get_as(&olena, "/newsroom").await;
    assert_eq!(list.text("h1"), "Articles");
    app.finish().await;
}

#[tokio::test]
async fn a_language_the_newsroom_has_no_words_for_is_refused_and_nothing_changes() {
    let app = TestApp::init().await;
    let olena = app.signed_in("olena@news.test", Role::Author).await;
    for sent in ["de", "crh", "ukrainian", "", "<b>uk</b>"] {
        let refused = app
            .post_as(
                &olena,
                "/newsroom/account/language",
                &[("ui_language", sent)],
            )
            .await;
        assert_eq!(refused.status, 400, "{sent:?}: {}", refused.body);
        assert_eq!(
            refused.text(".error"),
            "Choose one of the languages in the list.",
            "{sent:?}"
        );
    }
    // Without the form's token nothing is even read.
    let forged = app
        .post_raw(
            Some(&olena.cookie),
            &olena.address,
            "/newsroom/account/language",
            &[("ui_language", "uk")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let stored = app.store.user(olena.user.id).await.unwrap().unwrap();
    assert_eq!(stored.ui_language, gazette_core::Language::EN);
    assert_eq!(app.get_as(&olena, "/newsroom").await.text("h1"), "Articles");
    app.finish().await;
}

#[tokio::test]
async fn the_sign_in_page_speaks_the_language_the_browser_prefers() {
    let app = TestApp::init().await;
    let login = |accept: &'static str| {
        let mut request = Request::get("/newsroom/login?signed_out=1");
        if !accept.is_empty() {
            request = request.header("accept-language", accept);
        }
        app.request(request.body(Body::empty()).unwrap())
    };
    let ukrainian = login("uk-UA,uk;q=0.9,en-US;q=0.8,en;q=0.7").await;
    assert_eq!(ukrainian.status, 200);
    assert_eq!(ukrainian.text("h1"), "Вхід до редакції");
    assert_eq!(ukrainian.text(".notice"), "Ви вийшли з системи.");
    assert_eq!(ukrainian.text("button[type=submit]"), "Увійти");
    assert_eq!(ukrainian.attrs("html", "lang"), ["uk"]);
    for accept in ["en-GB,en;q=0.9,uk;q=0.5", "de-DE", ""] {
        let english = login(accept).await;
        assert_eq!(english.text("h1"), "Sign in to the newsroom", "{accept:?}");
        assert_eq!(english.text(".notice"), "You are signed out.", "{accept:?}");
    }
    app.finish().await;
}
