-- Search: spellings treated as one word (transliterations of names and places). Editors extend
-- the list; these are the defaults every new site starts with. `terms` is a comma-separated,
-- lowercase list.
CREATE TABLE search_synonyms (
    id    INTEGER PRIMARY KEY,
    terms TEXT NOT NULL UNIQUE
);

INSERT INTO search_synonyms (terms) VALUES
    ('kyiv,kiev,київ,киев'),
    ('zelensky,zelenskyy,zelenskiy,zelenskyi,зеленський,зеленский'),
    ('kharkiv,kharkov,харків,харьков'),
    ('odesa,odessa,одеса,одесса'),
    ('lviv,lvov,львів,львов'),
    ('dnipro,dnepr,dnipropetrovsk,дніпро,днепр'),
    ('zaporizhzhia,zaporizhia,zaporozhye,запоріжжя,запорожье'),
    ('mykolaiv,nikolaev,nikolayev,миколаїв,николаев'),
    ('chernihiv,chernigov,чернігів,чернигов'),
    ('donbas,donbass,донбас,донбасс'),
    ('luhansk,lugansk,луганськ,луганск'),
    ('crimea,krym,крим,крым'),
    ('ukraine,україна,украина'),
    ('russia,росія,россия');
