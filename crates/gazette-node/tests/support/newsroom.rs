//! The newsroom the node's tests write in: one section and one byline.

use gazette_core::Slug;
use gazette_store::{NewAuthor, NewSection, Store};

/// A section and a byline to write articles in.
pub struct Newsroom {
    pub section: i64,
    pub author: i64,
}

pub async fn newsroom(store: &dyn Store) -> Newsroom {
    let section = store
        .create_section(
            NewSection {
                slug: Slug::parse("war").unwrap(),
                name: "War".into(),
                description: String::new(),
                position: 1,
            },
            None,
        )
        .await
        .unwrap();
    let author = store
        .create_author(NewAuthor {
            slug: Slug::parse("olena").unwrap(),
            name: "Olena Kovalenko".into(),
            bio: String::new(),
            is_house: false,
        })
        .await
        .unwrap();
    Newsroom {
        section: section.id,
        author: author.id,
    }
}
