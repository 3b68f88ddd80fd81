-- Telegram autopost: the channels a bot posts new articles to, and the messages it sent, so that
-- an edit of an article edits its message and unpublishing deletes it.

-- One channel (or group) the bot posts to. chat_id is what the Bot API takes: "@name" for a public
-- channel, "-100…" for a private one. section_id NULL: every section. with_images: a featured
-- image is sent as a photo with the text as its caption.
CREATE TABLE telegram_channels (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chat_id     TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    section_id  BIGINT REFERENCES sections (id) ON DELETE CASCADE,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    with_images BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT NOT NULL
);

-- A message the bot sent about an article. Keyed by chat rather than by channel row: a chat
-- removed in the newsroom and added again has its messages edited and deleted as before. photo: the message is a
-- photo, whose text is a caption (edited with editMessageCaption, not editMessageText).
CREATE TABLE telegram_messages (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    chat_id    TEXT NOT NULL,
    message_id BIGINT NOT NULL,
    photo      BOOLEAN NOT NULL,
    sent_at    BIGINT NOT NULL,
    edited_at  BIGINT,
    PRIMARY KEY (article_id, chat_id)
);
