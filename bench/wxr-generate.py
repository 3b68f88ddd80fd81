#!/usr/bin/env python3
"""Writes a large WordPress export (WXR 1.2) for import benchmarks, streaming: memory stays flat
whatever the count. Posts carry Gutenberg block markup (paragraphs, headings, lists, quotes, an
image with a caption, an embed, a table) like a WordPress 6 newsroom writes, spread over 12
authors, 8 categories and 40 tags, one in twenty a draft. Deterministic: the same count gives the
same file. Image files are not
written: bodies name them, and an import without --media-dir reports them left out.

    bench/wxr-generate.py 100000 > /tmp/wxr-100k.xml
"""
import random
import sys
from datetime import datetime, timedelta, timezone

PLACES = ["Kyiv", "Kharkiv", "Odesa", "Lviv", "Dnipro", "Zaporizhzhia", "Mykolaiv", "Sumy"]
SUBJECTS = ["Grain exporters", "The city council", "Rail engineers", "Volunteers",
            "The central bank", "Teachers", "Deminers", "Energy crews"]
VERBS = ["prepare for", "report on", "debate", "fund", "warn about", "complete", "review"]
OBJECTS = ["winter repairs", "new export routes", "the reconstruction budget",
           "underground classrooms", "power grid upgrades", "bridge repairs", "mine clearance"]
WORDS = ("officials said the region during week residents new plan would support according to "
         "local data more than before repairs crews began morning city council budget").split()
CATEGORIES = ["war", "politics", "business", "society", "culture", "diplomacy", "energy", "world"]
TAGS = [f"topic-{i}" for i in range(40)]
AUTHORS = [f"reporter-{i}" for i in range(12)]


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def sentence(rng, n):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def body(rng, post_id):
    parts = []
    for i in range(rng.randint(5, 9)):
        text = " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(3))
        parts.append(f"<!-- wp:paragraph -->\n<p>{text}</p>\n<!-- /wp:paragraph -->")
        if i == 1:
            parts.append("<!-- wp:heading -->\n<h2>What happens next</h2>\n<!-- /wp:heading -->")
        if i == 2:
            y, m = 2020 + post_id % 6, 1 + post_id % 12
            parts.append(
                f'<!-- wp:image {{"id":{post_id},"sizeSlug":"large"}} -->\n<figure class="wp-block-image size-large">'
                f'<img src="https://old.example/wp-content/uploads/{y}/{m:02d}/photo-{post_id}-1024x683.jpg" '
                f'alt="A street in {rng.choice(PLACES)}" class="wp-image-{post_id}"/>'
                f"<figcaption>Photo {post_id}</figcaption></figure>\n<!-- /wp:image -->")
        if i == 3:
            items = "".join(f"<li>{sentence(rng, 5)}</li>" for _ in range(3))
            parts.append(f"<!-- wp:list -->\n<ul>{items}</ul>\n<!-- /wp:list -->")
        if i == 4:
            parts.append(f"<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><p>{sentence(rng, 12)}</p>"
                         f"<cite>A resident</cite></blockquote>\n<!-- /wp:quote -->")
    if post_id % 10 == 0:
        parts.append('<!-- wp:embed {"url":"https://www.youtube.com/watch?v=dQw4w9WgXcQ","type":"video",'
                     '"providerNameSlug":"youtube"} -->\n<figure class="wp-block-embed is-provider-youtube">'
                     '<div class="wp-block-embed__wrapper">\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n'
                     "</div></figure>\n<!-- /wp:embed -->")
    if post_id % 7 == 0:
        parts.append("<!-- wp:table -->\n<figure class=\"wp-block-table\"><table><thead><tr><th>City</th>"
                     "<th>Hours</th></tr></thead><tbody><tr><td>Kyiv</td><td>4</td></tr></tbody></table>"
                     "</figure>\n<!-- /wp:table -->")
    return "\n\n".join(parts)


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = random.Random(42)
    out = sys.stdout
    out.write('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
              'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
              'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
              'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
              "<channel>\n<title>Generated newsroom</title>\n<link>https://old.example</link>\n"
              "<wp:wxr_version>1.2</wp:wxr_version>\n<wp:base_site_url>https://old.example</wp:base_site_url>\n")
    for i, login in enumerate(AUTHORS):
        out.write(f"<wp:author><wp:author_id>{i + 2}</wp:author_id><wp:author_login>{cdata(login)}</wp:author_login>"
                  f"<wp:author_email>{cdata(login + '@old.example')}</wp:author_email>"
                  f"<wp:author_display_name>{cdata('Reporter ' + str(i))}</wp:author_display_name></wp:author>\n")
    for i, slug in enumerate(CATEGORIES):
        out.write(f"<wp:category><wp:term_id>{i + 1}</wp:term_id><wp:category_nicename>{cdata(slug)}</wp:category_nicename>"
                  f"<wp:category_parent>{cdata('')}</wp:category_parent><wp:cat_name>{cdata(slug.title())}</wp:cat_name></wp:category>\n")
    for i, slug in enumerate(TAGS):
        out.write(f"<wp:tag><wp:term_id>{i + 100}</wp:term_id><wp:tag_slug>{cdata(slug)}</wp:tag_slug>"
                  f"<wp:tag_name>{cdata(slug.replace('-', ' ').title())}</wp:tag_name></wp:tag>\n")
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    for n in range(count):
        post_id = n + 1000
        title = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} in {rng.choice(PLACES)}"
        slug = title.lower().replace(" ", "-") + f"-{post_id}"
        when = start + timedelta(minutes=30 * n)
        date = when.strftime("%Y-%m-%d %H:%M:%S")
        status = "draft" if n % 20 == 19 else "publish"
        category = rng.choice(CATEGORIES)
        tags = rng.sample(TAGS, 3)
        terms = f'<category domain="category" nicename="{category}">{cdata(category.title())}</category>' + "".join(
            f'<category domain="post_tag" nicename="{t}">{cdata(t)}</category>' for t in tags)
        out.write(
            f"<item><title>{cdata(title)}</title><link>https://old.example/{when:%Y/%m/%d}/{slug}/</link>"
            f"<pubDate>{when:%a, %d %b %Y %H:%M:%S +0000}</pubDate><dc:creator>{cdata(rng.choice(AUTHORS))}</dc:creator>"
            f'<guid isPermaLink="false">https://old.example/?p={post_id}</guid><description></description>'
            f"<content:encoded>{cdata(body(rng, post_id))}</content:encoded>"
            f"<excerpt:encoded>{cdata(sentence(rng, 20))}</excerpt:encoded>"
            f"<wp:post_id>{post_id}</wp:post_id><wp:post_date>{cdata(date)}</wp:post_date>"
            f"<wp:post_date_gmt>{cdata(date)}</wp:post_date_gmt><wp:post_modified_gmt>{cdata(date)}</wp:post_modified_gmt>"
            f"<wp:comment_status>{cdata('open')}</wp:comment_status><wp:post_name>{cdata(slug)}</wp:post_name>"
            f"<wp:status>{cdata(status)}</wp:status><wp:post_parent>0</wp:post_parent><wp:menu_order>0</wp:menu_order>"
            f"<wp:post_type>{cdata('post')}</wp:post_type><wp:is_sticky>0</wp:is_sticky>{terms}</item>\n")
    out.write("</channel>\n</rss>\n")


if __name__ == "__main__":
    main()
