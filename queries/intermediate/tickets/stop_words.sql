-- Which words say nothing about an incident: English stop-words and generic support words.
-- grain:   one row per word
-- key:     word
-- params:  none
-- columns: word
-- Words are lowercase with apostrophes dropped, as the tokenizer leaves them ("can't" -> "cant");
-- inflected forms are listed as they are (a word and its stem are both checked against the list).
-- Generic support words ("help", "issue", "problem", "please", "account", "error", "app") appear in
-- tickets about every incident, so they cannot tell one incident's tickets from another's.

with

words as (
    select *
    from (
        values
            ('a'), ('able'), ('about'), ('above'), ('account'), ('accounts'), ('after'),
            ('afternoon'), ('again'), ('against'), ('ago'), ('all'), ('already'), ('also'), ('am'),
            ('an'), ('and'), ('any'), ('anybody'), ('anymore'), ('anyone'), ('anything'),
            ('anyway'), ('app'), ('application'), ('are'), ('aren'), ('arent'), ('as'), ('asap'),
            ('ask'), ('asked'), ('asking'), ('at'), ('back'), ('be'), ('because'), ('been'),
            ('before'), ('being'), ('below'), ('best'), ('between'), ('bit'), ('both'), ('but'),
            ('by'), ('can'), ('cannot'), ('cant'), ('cheers'), ('client'), ('clients'), ('company'),
            ('contact'), ('contacted'), ('could'), ('couldn'), ('couldnt'), ('currently'),
            ('customer'), ('customers'), ('day'), ('days'), ('dear'), ('did'), ('didn'), ('didnt'),
            ('do'), ('does'), ('doesn'), ('doesnt'), ('doing'), ('don'), ('dont'), ('down'),
            ('during'), ('each'), ('email'), ('error'), ('errors'), ('etc'), ('even'), ('evening'),
            ('every'), ('everyone'), ('everything'), ('few'), ('first'), ('for'), ('from'),
            ('further'), ('get'), ('gets'), ('getting'), ('go'), ('goes'), ('going'), ('gone'),
            ('got'), ('gotten'), ('had'), ('hadn'), ('hadnt'), ('happen'), ('happened'),
            ('happening'), ('happens'), ('has'), ('hasn'), ('hasnt'), ('have'), ('haven'),
            ('havent'), ('having'), ('he'), ('hed'), ('hell'), ('hello'), ('help'), ('helped'),
            ('helping'), ('helps'), ('her'), ('here'), ('heres'), ('hers'), ('herself'), ('hes'),
            ('hey'), ('hi'), ('him'), ('himself'), ('his'), ('hope'), ('hour'), ('hours'), ('how'),
            ('however'), ('hows'), ('i'), ('id'), ('if'), ('ill'), ('im'), ('in'), ('info'),
            ('information'), ('into'), ('is'), ('isn'), ('isnt'), ('issue'), ('issues'), ('it'),
            ('itll'), ('its'), ('itself'), ('ive'), ('just'), ('keep'), ('keeps'), ('kept'),
            ('know'), ('knows'), ('let'), ('lets'), ('like'), ('look'), ('looking'), ('looks'),
            ('lot'), ('lots'), ('made'), ('make'), ('makes'), ('making'), ('many'), ('may'),
            ('maybe'), ('me'), ('might'), ('minute'), ('minutes'), ('month'), ('months'), ('more'),
            ('morning'), ('most'), ('much'), ('must'), ('mustn'), ('mustnt'), ('my'), ('myself'),
            ('need'), ('needed'), ('needs'), ('new'), ('night'), ('no'), ('nor'), ('not'),
            ('nothing'), ('now'), ('of'), ('off'), ('ok'), ('okay'), ('old'), ('on'), ('once'),
            ('one'), ('only'), ('or'), ('other'), ('ought'), ('our'), ('ours'), ('ourselves'),
            ('out'), ('over'), ('own'), ('page'), ('per'), ('perhaps'), ('platform'), ('please'),
            ('pls'), ('plz'), ('problem'), ('problems'), ('product'), ('question'), ('questions'),
            ('quite'), ('really'), ('regards'), ('reply'), ('right'), ('said'), ('same'), ('say'),
            ('says'), ('second'), ('see'), ('seeing'), ('seem'), ('seems'), ('seen'), ('service'),
            ('services'), ('shall'), ('shan'), ('shant'), ('she'), ('shed'), ('shell'), ('shes'),
            ('should'), ('shouldn'), ('shouldnt'), ('since'), ('site'), ('so'), ('some'),
            ('somebody'), ('someone'), ('something'), ('soon'), ('sorry'), ('still'), ('such'),
            ('support'), ('system'), ('take'), ('takes'), ('team'), ('tell'), ('than'), ('thank'),
            ('thanks'), ('that'), ('thats'), ('the'), ('their'), ('theirs'), ('them'),
            ('themselves'), ('then'), ('there'), ('theres'), ('these'), ('they'), ('theyd'),
            ('theyll'), ('theyre'), ('theyve'), ('thing'), ('things'), ('this'), ('those'),
            ('three'), ('through'), ('thx'), ('ticket'), ('tickets'), ('time'), ('times'), ('to'),
            ('today'), ('told'), ('tomorrow'), ('too'), ('took'), ('tried'), ('tries'), ('try'),
            ('trying'), ('two'), ('unable'), ('under'), ('until'), ('up'), ('update'), ('updates'),
            ('us'), ('use'), ('used'), ('user'), ('users'), ('using'), ('very'), ('via'), ('want'),
            ('wanted'), ('wants'), ('was'), ('wasn'), ('wasnt'), ('way'), ('ways'), ('we'),
            ('website'), ('wed'), ('week'), ('weeks'), ('well'), ('went'), ('were'), ('weren'),
            ('werent'), ('weve'), ('what'), ('whats'), ('when'), ('whens'), ('where'), ('wheres'),
            ('which'), ('while'), ('who'), ('whom'), ('whos'), ('why'), ('whys'), ('will'),
            ('with'), ('won'), ('wont'), ('work'), ('worked'), ('working'), ('works'), ('would'),
            ('wouldn'), ('wouldnt'), ('wrong'), ('yes'), ('yesterday'), ('yet'), ('you'), ('youd'),
            ('youll'), ('your'), ('youre'), ('yours'), ('yourself'), ('yourselves'), ('youve')
    ) as listed (word)  -- noqa: AL05
),

final as (
    select distinct word
    from words
)

select * from final
